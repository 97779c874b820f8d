// Draws timeline lanes as terminal text: a time axis, one line per state of
// the manifest (before and after its fixes), and a legend with the arithmetic.
// Pure functions of plain data: the same drawing for the CLI, stylish findings
// and the Action's summary.
import { printable } from '../format/report.js';
import type { EventKind, LaneKind, TimelineEvent, TimelineFacts } from './lanes.js';

export interface DrawOptions {
  /** Plain ASCII for logs that mangle anything else. */
  ascii: boolean;
  color: boolean;
}

/** In rotation or starting; out of rotation though healthy; receiving requests while stopping; draining with no new requests. */
type Segment = 'live' | 'out' | 'danger' | 'drain';

interface Glyphs {
  start: string;
  segment: Record<Segment, string>;
}

const UNICODE: Glyphs = { start: '├', segment: { live: '━', out: '┄', danger: '╳', drain: '─' } };
const ASCII: Glyphs = { start: '|', segment: { live: '=', out: '.', danger: 'x', drain: '-' } };

/** The styles a drawing uses: the stylish formatter has the same names, and paints them itself. */
export type CellStyle = 'bold' | 'yellow' | 'red' | 'dim';

/** SGR codes that open and close each style. */
const SGR: Record<CellStyle, [number, number]> = { bold: [1, 22], yellow: [33, 39], red: [31, 39], dim: [2, 22] };

/** Style of each segment; markers are bold. */
const SEGMENT_STYLE: Record<Segment, CellStyle | null> = { live: null, out: 'yellow', danger: 'red', drain: 'dim' };

const MARK: Record<EventKind, string> = {
  'not-ready': 'R',
  restart: 'L',
  'startup-gives-up': 'S',
  'routes-caught-up': 'E',
  sigterm: 'T',
  sigkill: 'K',
};

const TITLE: Record<LaneKind, string> = { load: 'under load', start: 'start', shutdown: 'shutdown' };
const SINCE: Record<LaneKind, string> = { load: 'from the first slow answer', start: 'from the container start', shutdown: 'from deletion' };

/** What each stretch of a line means, by lane. */
const MEANING: Record<LaneKind, Partial<Record<Segment, string>>> = {
  load: { live: 'in rotation, answering slowly', out: 'out of rotation, though healthy' },
  start: { live: 'starting' },
  shutdown: { live: 'serving while the preStop hook runs', danger: 'new requests reach an app that is stopping', drain: 'draining, no new requests' },
};

/** Columns the full picture and the one-line version give the longest time. */
const FULL_WIDTH = 50;
const LINE_WIDTH = 30;
/** Axis labels every this many columns. */
const TICK = 10;

/** Seconds per column: a round step that fits `seconds` into `width` columns. */
function scaleFor(seconds: number, width: number): number {
  if (!(seconds > width / 2)) return 0.5;
  const power = 10 ** Math.floor(Math.log10(seconds / width));
  const steps = [1, 2, 3, 5, 10].map((step) => step * power);
  return steps.find((step) => seconds / step <= width) ?? seconds / width;
}

/** The events a line shows: nothing after SIGKILL, which ends the pod. */
function shown(facts: TimelineFacts): TimelineEvent[] {
  const kill = facts.events.find((e) => e.kind === 'sigkill');
  return kill ? facts.events.filter((e) => e === kill || e.at < kill.at) : facts.events;
}

function segmentAt(facts: TimelineFacts, t: number): Segment {
  const at = (kind: EventKind): number | null => facts.events.find((e) => e.kind === kind)?.at ?? null;
  if (facts.lane === 'load') {
    const first = Math.min(...facts.events.map((e) => e.at));
    return t < first ? 'live' : 'out';
  }
  if (facts.lane === 'shutdown') {
    const sigterm = at('sigterm') ?? 0;
    if (t < sigterm) return 'live';
    return t < (at('routes-caught-up') ?? 0) ? 'danger' : 'drain';
  }
  return 'live';
}

interface Cell {
  text: string;
  style: CellStyle | null;
  /** The stretch it draws; null for marks and the start. */
  segment: Segment | null;
}

/**
 * One lane as a line of cells, from t = 0 to its last event; markers that would share a column move right.
 * A time the scale cannot place (beyond `width`, not a number) is drawn at the end.
 */
function laneCells(facts: TimelineFacts, scale: number, width: number, glyphs: Glyphs): Cell[] {
  const events = shown(facts);
  const marks = new Map<number, EventKind>();
  for (const event of events) {
    const placed = Math.round(event.at / scale);
    let column = placed <= width ? placed : width + 1;
    while (marks.has(column)) column++;
    marks.set(column, event.kind);
  }
  const end = Math.max(0, ...marks.keys());
  const cells: Cell[] = [];
  for (let column = 0; column <= end; column++) {
    const mark = marks.get(column);
    if (mark) cells.push({ text: MARK[mark], style: 'bold', segment: null });
    else if (column === 0) cells.push({ text: glyphs.start, style: null, segment: null });
    else {
      const segment = segmentAt(facts, (column - 0.5) * scale);
      cells.push({ text: glyphs.segment[segment], style: SEGMENT_STYLE[segment], segment });
    }
  }
  return cells;
}

/** A stretch of a drawn line in one style (null: plain). */
export interface LinePart {
  text: string;
  style: CellStyle | null;
}

/** The cells as runs of one style each. */
function runs(cells: readonly Cell[]): LinePart[] {
  const out: LinePart[] = [];
  for (let i = 0; i < cells.length; ) {
    const style = cells[i]!.style;
    let text = '';
    for (; i < cells.length && cells[i]!.style === style; i++) text += cells[i]!.text;
    out.push({ text, style });
  }
  return out;
}

/** Parts as text; with colour, each run of one style opened and closed once. */
function paintParts(parts: readonly LinePart[], color: boolean): string {
  return parts.map(({ text, style }) => (color && style ? `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : text)).join('');
}

function paintCells(cells: Cell[], color: boolean): string {
  return paintParts(runs(cells), color);
}

function seconds(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)}s`;
}

/** `R 15s  L 30s`: the times a line shows, in its order. */
function times(facts: TimelineFacts): string {
  return shown(facts)
    .map((e) => `${MARK[e.kind]} ${seconds(e.at)}`)
    .join('  ');
}

function axis(scale: number, columns: number): string {
  let text = '';
  for (let column = 0; column < columns; column += TICK) text = text.padEnd(column) + seconds(column * scale);
  return text;
}

/** Text from a manifest or file name, made safe for a terminal; in ASCII mode, ASCII only. */
export function terminalText(text: string, options: Pick<DrawOptions, 'ascii'>): string {
  const safe = printable(text);
  if (!options.ascii) return safe;
  const words: Record<string, string> = { '×': 'x', '→': '->', '—': '-', '·': '-', '›': '>', '≥': '>=', '…': '...' };
  return safe.replace(/[^\x20-\x7e]/g, (c) => words[c] ?? '?');
}

export interface LanePair {
  before: TimelineFacts;
  after: TimelineFacts;
}

/** One lane drawn twice on one axis, before and after the fixes, with a legend of what each mark is and how its time comes about. */
export function drawPair(pair: LanePair, options: DrawOptions): string[] {
  const glyphs = options.ascii ? ASCII : UNICODE;
  const all = [...pair.before.events, ...pair.after.events];
  const scale = scaleFor(Math.max(0, ...all.map((e) => e.at)), FULL_WIDTH);
  const before = laneCells(pair.before, scale, FULL_WIDTH, glyphs);
  const after = laneCells(pair.after, scale, FULL_WIDTH, glyphs);
  const width = Math.max(before.length, after.length);
  const line = (label: string, cells: Cell[], facts: TimelineFacts): string =>
    `    ${label.padEnd(10)}${paintCells(cells, options.color)}${' '.repeat(width - cells.length + 3)}${times(facts)}`.trimEnd();
  const title = terminalText(`  ${TITLE[pair.before.lane]} · t = 0: ${pair.before.origin}`, options);
  // Nothing happens in either state (TCP probes under load): no picture, only the notes that say why.
  const lines = all.length === 0 ? [title] : [title, `              ${axis(scale, width)}`, line('before', before, pair.before), line('after', after, pair.after)];
  const kinds = [...new Set(all.map((e) => e.kind))];
  for (const kind of kinds) {
    const was = pair.before.events.find((e) => e.kind === kind);
    const is = pair.after.events.find((e) => e.kind === kind);
    // Only a signal can be "never sent"; anything else after SIGKILL simply does not concern the pod any more.
    const after = (e: TimelineEvent): string => (e.kind === 'sigterm' ? '(never sent: SIGKILL comes no later)' : '(after SIGKILL, not drawn)');
    const how = (e: TimelineEvent | undefined, facts: TimelineFacts): string => (!e ? '—' : shown(facts).includes(e) ? e.how : `${e.how} ${after(e)}`);
    const change = how(was, pair.before) === how(is, pair.after) ? how(was, pair.before) : `${how(was, pair.before)} → ${how(is, pair.after)}`;
    lines.push(terminalText(`    ${MARK[kind]}  ${(was ?? is)!.what}: ${change}`, options));
  }
  const drawn = new Set([...before, ...after].flatMap((c) => (c.segment ? [c.segment] : [])));
  const key = (Object.keys(MEANING[pair.before.lane]) as Segment[]).filter((s) => drawn.has(s));
  if (key.length > 0) {
    const words = key.map((s) => `${paintCells([{ text: glyphs.segment[s], style: SEGMENT_STYLE[s], segment: s }], options.color)} ${MEANING[pair.before.lane][s]}`);
    lines.push(`    ${terminalText('key:', options)} ${words.join(terminalText(' · ', options))}`);
  }
  for (const note of [...new Set([...pair.before.notes, ...pair.after.notes])]) {
    const which = !pair.after.notes.includes(note) ? 'before: ' : !pair.before.notes.includes(note) ? 'after: ' : '';
    lines.push(terminalText(`    note: ${which}${note}`, options));
  }
  return lines;
}

/** The one-line version a finding ends with: the lane as it is, its marks, and their times. */
export function drawLine(facts: TimelineFacts, options: DrawOptions): string {
  return paintParts(lineParts(facts, options), options.color);
}

/**
 * The one-line version as styled parts, for a formatter that paints them itself (stylish). A lane with
 * nothing to show and a note (a pod the API server rejects, probes that slowness does not fail) is its note.
 */
export function lineParts(facts: TimelineFacts, options: Pick<DrawOptions, 'ascii'>): LinePart[] {
  const events = shown(facts);
  const note = facts.notes[0];
  if (events.length === 0 && note !== undefined) return [{ text: terminalText(`${TITLE[facts.lane]}: ${note}`, options), style: null }];
  const glyphs = options.ascii ? ASCII : UNICODE;
  const scale = scaleFor(Math.max(0, ...facts.events.map((e) => e.at)), LINE_WIDTH);
  const marks = events.map((e) => `${MARK[e.kind]} ${seconds(e.at)} ${e.label}`).join(' · ');
  return [
    { text: terminalText(`${SINCE[facts.lane]}: `, options), style: null },
    ...runs(laneCells(facts, scale, LINE_WIDTH, glyphs)),
    { text: terminalText(`  ${marks || 'nothing happens'}`, options), style: null },
  ];
}
