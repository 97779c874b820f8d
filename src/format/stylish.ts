// The terminal report: findings grouped by file, each with a code frame.
// Lines are built as parts, plain or styled; render() is the one way out, and
// makes every part printable before adding the formatter's own colour codes, so
// nothing from a manifest or a file name reaches the terminal as a control code.
import { diffLines } from 'diff';
import { push } from '../multimap.js';
import { applyEdits } from '../edit.js';
import type { Notice } from '../inputs.js';
import type { Finding, Severity } from '../rule.js';
import { lineText, linesAround } from '../source.js';
import { lineParts } from '../timeline/draw.js';
import { objectLabel, variantsNote, printable, summaryLine, type LocatedFinding, type Report } from './report.js';

export interface StylishOptions {
  color: boolean;
}

type Style = 'red' | 'green' | 'yellow' | 'blue' | 'dim' | 'bold' | 'underline';
/** A piece of a line: text as it is, or text in a style. */
type Part = string | { style: Style; text: string };
type Line = Part[];
type Paint = (text: string) => Part;

/** SGR codes that open and close each style. */
const SGR: Record<Style, [number, number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], dim: [2, 22], bold: [1, 22], underline: [4, 24] };

const styled =
  (style: Style): Paint =>
  (text) => ({ style, text });
const paint: Record<Style, Paint> = { red: styled('red'), green: styled('green'), yellow: styled('yellow'), blue: styled('blue'), dim: styled('dim'), bold: styled('bold'), underline: styled('underline') };

/** The lines as the terminal gets them: text made printable, then coloured when asked. */
function render(lines: Line[], color: boolean): string {
  const part = (p: Part): string => {
    if (typeof p === 'string') return printable(p);
    const text = printable(p.text);
    if (!color) return text;
    const [open, close] = SGR[p.style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
  return lines.map((line) => line.map(part).join('')).join('\n');
}

export function formatStylish(report: Report, options: StylishOptions): string {
  return [...stylishChunks(report, options)].join('');
}

/** The report as pieces whose concatenation is formatStylish's text, one file at a time: never one string of it all (SPEC §8). */
export function* stylishChunks(report: Report, options: StylishOptions): Generator<string> {
  const severityColor: Record<Severity, Paint> = { error: paint.red, warning: paint.yellow, info: paint.blue };
  const byFile = new Map<string, LocatedFinding[]>();
  for (const f of report.findings) push(byFile, f.finding.file.path, f);
  let out: Line[] = [];
  for (const [file, findings] of byFile) {
    const rendered = findings[0]!.finding.file.rendered;
    const how = rendered ? [paint.dim(` (rendered with ${rendered.command})`)] : [];
    out.push([], [paint.underline(file), ...how]);
    for (const f of findings) {
      const { finding } = f;
      const where = `${f.line}:${f.column}`;
      out.push(['  ', paint.dim(where), '  ', severityColor[finding.severity](finding.severity), '  ', finding.message, '  ', paint.dim(finding.ruleId)]);
      const label = [objectLabel(finding.object, finding.container, finding.probe), variantsNote(finding)].filter(Boolean).join(' ');
      if (label) out.push(['    ', paint.dim(label)]);
      const source = finding.source;
      if (source) {
        const values = source.values ? `, set by ${source.values.key} in ${source.values.file}:${source.values.line}` : '';
        out.push(['    ', paint.dim('from'), ` ${source.file}${source.line ? `:${source.line}` : ''}`, paint.dim(values)]);
      }
      out.push(...codeFrame(f));
      if (finding.fix) out.push(...fixDiff(finding));
      if (finding.timeline) out.push(['    ', paint.dim('timeline'), ' ', ...timelineParts(finding)]);
    }
    yield `${render(out, options.color)}\n`;
    out = [];
  }
  const { summary } = report;
  const { counts, scanned } = summaryLine(summary);
  const mark = summary.error > 0 ? paint.red('✖') : summary.warning > 0 ? paint.yellow('⚠') : '✔';
  out.push([], [mark, ' ', paint.bold(counts), ` in ${scanned}`]);
  // Changes to charts are shown, never applied: --fix edits manifests, not templates or values. A fix with
  // a target elsewhere that is not shown-only (a Kustomize base's literal) is applied like any other.
  const applied = (f: LocatedFinding): boolean => Boolean(f.finding.fix && !f.finding.fix.shownOnly);
  const safe = report.findings.filter((f) => applied(f) && f.finding.fix!.safe).length;
  const suggested = report.findings.filter((f) => applied(f) && !f.finding.fix!.safe).length;
  if (safe + suggested > 0) {
    out.push([`  ${safe} fixable with --fix${suggested > 0 ? `, ${suggested} more with --fix --unsafe-fixes` : ''} (--fix-dry-run shows the diff)`]);
  }
  out.push([]);
  yield render(out, options.color);
}

/** The one-line timeline in stylish's own styles (the drawing's names are stylish's): coloured, or not, with the rest of the report. */
function timelineParts(finding: Finding): Part[] {
  return finding.timeline ? lineParts(finding.timeline, { ascii: false }).map(({ text, style }) => (style ? paint[style](text) : text)) : [];
}

/** A notice as the one line the terminal shows on stderr (`probe-lint: file:line: message`), made printable like the report. */
export function formatNotice(notice: Notice): string {
  const where = notice.file ? `${notice.file}${notice.line ? `:${notice.line}` : ''}: ` : '';
  return render([[`probe-lint: ${where}${notice.message}`]], false) + '\n';
}

/** Longest stretch of a line a code frame shows; longer lines are cut around the caret. */
const FRAME_WIDTH = 160;

function codeFrame(f: LocatedFinding): Line[] {
  const file = f.finding.file;
  const width = String(f.line).length;
  const gutter = (n: number | null, mark: string): string => `${mark} ${(n === null ? '' : String(n)).padStart(width)} | `;
  const text = expandTabs(lineText(file, f.line));
  const raw = lineText(file, f.line);
  const endColumn = f.endLine === f.line ? f.endColumn : raw.length + 1;
  let caretStart = expandTabs(raw.slice(0, f.column - 1)).length;
  let caretLength = Math.max(1, expandTabs(raw.slice(0, endColumn - 1)).length - caretStart);
  // Minified or generated lines can be megabytes long: show a window around the caret.
  const from = text.length > FRAME_WIDTH ? Math.max(0, Math.min(caretStart - 40, text.length - FRAME_WIDTH)) : 0;
  const clip = (line: string): string => (line.length > FRAME_WIDTH ? `${from > 0 ? '…' : ''}${line.slice(from, from + FRAME_WIDTH)}…` : line);
  const shift = from > 0 ? 1 : 0;
  caretStart = caretStart - from + shift;
  caretLength = Math.min(caretLength, FRAME_WIDTH - (caretStart - shift));
  const lines: Line[] = [];
  if (f.line > 1) {
    const before = expandTabs(lineText(file, f.line - 1));
    if (before.trim() !== '') lines.push([paint.dim(`    ${gutter(f.line - 1, ' ')}${clip(before)}`)]);
  }
  lines.push(['    ', paint.bold(gutter(f.line, '>')), clip(text)]);
  lines.push([`    ${gutter(null, ' ')}${' '.repeat(Math.max(0, caretStart))}`, paint.red('^'.repeat(Math.max(1, caretLength)))]);
  return lines;
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, '  ');
}

/** The fix as the lines it removes and adds. */
function fixDiff(finding: Finding): Line[] {
  const fix = finding.fix!;
  const { start, text: before } = linesAround(fix.target ?? finding.file, Math.min(...fix.edits.map((e) => e.offset)), Math.max(...fix.edits.map((e) => e.offset + e.length)));
  const after = applyEdits(before, fix.edits.map((e) => ({ ...e, offset: e.offset - start })));
  const lines: Line[] = [['    ', paint.dim(fix.shownOnly ? 'change in the chart:' : fix.safe ? 'fix:' : 'suggestion:'), ` ${fix.description}`]];
  for (const part of diffLines(before, after)) {
    if (!part.added && !part.removed) continue;
    const sign = part.added ? '+' : '-';
    for (const line of part.value.replace(/\r?\n$/, '').split(/\r?\n/)) {
      lines.push(['      ', (part.added ? paint.green : paint.red)(`${sign} ${expandTabs(line)}`)]);
    }
  }
  return lines;
}
