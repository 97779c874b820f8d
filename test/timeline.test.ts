// `probe-lint timeline` (SPEC §10): golden drawings, the same numbers as the
// rules' messages, "after" as the fixed manifest reads, and the one-line
// versions that stylish findings and the Action's summary show.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixAll } from '../src/fix.js';
import { toReport } from '../src/format/report.js';
import { formatStylish } from '../src/format/stylish.js';
import { run } from '../src/run.js';
import type { Finding } from '../src/rule.js';
import { timelines, type TimelineOptions } from '../src/timeline/command.js';
import { drawLine } from '../src/timeline/draw.js';
import { worstTimelines } from '../src/timeline/worst.js';
import { cli, FIXTURES, HAS_HELM, REPO, tempTree, TOOLS } from './helpers.js';

const GOLDEN = path.join(import.meta.dirname, 'golden', 'timeline');
const OWN = path.join(FIXTURES, 'timeline');
/** Fixes that wait for later passes; TCP probes; a preStop sleep the API server rejects. */
const PASSES = 'test/fixtures/timeline/fixes-in-passes.yaml';
const TCP = 'test/fixtures/timeline/tcp-probes.yaml';
const REJECTED = 'test/fixtures/timeline/shutdown-rejected.yaml';
const TIMING_RULES = [
  'probe-timeout-short',
  'probe-failure-window-short',
  'liveness-equals-readiness',
  'liveness-stricter-than-readiness',
  'startup-probe-preferred',
  'prestop-hook-missing',
  'termination-grace-too-short',
];

async function draw(paths: string[], cwd: string, extra: Partial<TimelineOptions> = {}): Promise<string> {
  return (await timelines({ run: { paths, cwd }, ascii: false, color: false, ...extra })).text;
}

const CASES = [
  { name: 'incident-api', file: 'samples/incident-api.yaml' },
  { name: 'incident-api-fixed', file: 'samples/incident-api-fixed.yaml' },
  { name: 'shutdown-without-prestop', file: 'test/fixtures/timeline/shutdown-without-prestop.yaml' },
  { name: 'shutdown-with-prestop', file: 'test/fixtures/timeline/shutdown-with-prestop.yaml' },
];

describe('golden drawings', () => {
  for (const { name, file } of CASES) {
    it(`draws ${name} as its golden shows`, async () => {
      await expect(await draw([file], REPO)).toMatchFileSnapshot(path.join(GOLDEN, `${name}.txt`));
    });
    it(`draws ${name} in plain ASCII as its golden shows`, async () => {
      const text = await draw([file], REPO, { ascii: true });
      expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      await expect(text).toMatchFileSnapshot(path.join(GOLDEN, `${name}.ascii.txt`));
    });
  }

  it('has no golden that no case draws', () => {
    const expected = CASES.flatMap(({ name }) => [`${name}.txt`, `${name}.ascii.txt`]).sort();
    expect(fs.readdirSync(GOLDEN).sort()).toEqual(expected);
  });
});

/** A drawing read back: per container header and lane title, the times of each line and the legend's arithmetic. */
interface Lane {
  before: Map<string, number>;
  after: Map<string, number>;
  legend: Map<string, string>;
  notes: string[];
}

function parseDrawing(text: string): Map<string, Map<string, Lane>> {
  const containers = new Map<string, Map<string, Lane>>();
  let lanes = new Map<string, Lane>();
  let lane: Lane | null = null;
  for (const line of text.split('\n')) {
    const header = /^\S+:\d+ {2}(.+)$/.exec(line);
    const title = /^ {2}(under load|start|shutdown) · /.exec(line);
    const times = /^ {4}(before|after) +\S+ {3,}((?:[A-Z] [\d.]+s *)+)$/.exec(line);
    const legend = /^ {4}([A-Z]) {2}(.*)$/.exec(line);
    const note = /^ {4}note: (.*)$/.exec(line);
    if (header) containers.set(header[1]!, (lanes = new Map()));
    else if (title) lanes.set(title[1]!, (lane = { before: new Map(), after: new Map(), legend: new Map(), notes: [] }));
    else if (note && lane) lane.notes.push(note[1]!);
    else if (times && lane) for (const [, mark, at] of times[2]!.matchAll(/([A-Z]) ([\d.]+)s/g)) lane[times[1] as 'before' | 'after'].set(mark!, Number(at));
    else if (legend && lane) lane.legend.set(legend[1]!, legend[2]!);
  }
  return containers;
}

/** `3 × 5s = 15s` → 15, for every such window in a text. */
function windows(text: string): { text: string; interval: number; seconds: number }[] {
  return [...text.matchAll(/(\d+) × (\d+)s = (\d+)s/g)].map((m) => ({ text: m[0], interval: Number(m[2]), seconds: Number(m[3]) }));
}

/** Whether the lane says that this probe is a TCP connect, which slow answers never fail: it then has no mark under load. */
function tcpNote(lane: Lane, probe: string): boolean {
  return lane.notes.some((n) => n.replace(/^(before|after): /, '') === `${probe} probe is a TCP connect: it fails only when nothing accepts connections, not on slow answers`);
}

/** The legend's arithmetic before the fixes: the part left of `→`. */
function legendBefore(lane: Lane, mark: string): string {
  return lane.legend.get(mark)!.split(' → ')[0]!;
}

function number(text: string, pattern: RegExp): number {
  const found = pattern.exec(text);
  expect(found, `${pattern} in ${text}`).not.toBeNull();
  return Number(found![1]);
}

/** What each timing rule's message says, held to the drawing of the same container. */
function checkAgainstMessage(finding: Finding, lanes: Map<string, Lane>): void {
  const load = lanes.get('under load')!;
  const shutdown = lanes.get('shutdown')!;
  const message = finding.message;
  const mark = finding.probe === 'readiness' ? 'R' : 'L';
  // A TCP connect does not fail on slow answers: no mark under load, and a note that says why.
  if (load.before.get(mark) === undefined && finding.timeline!.lane === 'load') {
    expect(tcpNote(load, finding.probe!), `${finding.ruleId}: ${mark} drawn or a TCP note`).toBe(true);
    return;
  }
  switch (finding.ruleId) {
    case 'probe-timeout-short': {
      const timeout = number(message, /slower than (\d+)s/);
      const legend = legendBefore(load, mark);
      expect(legend).toContain(`timeout ${timeout}s`);
      // The mark comes when the window the legend states ends; a check slower than the timeout stretches it (§2).
      const [window] = windows(legend);
      expect(load.before.get(mark)).toBe(window!.seconds);
      expect(window!.interval).toBeGreaterThanOrEqual(timeout);
      // A long window is named in the message: the same one.
      const [said] = windows(message);
      if (said) expect([said.text, said.seconds]).toEqual([window!.text, load.before.get(mark)]);
      break;
    }
    case 'probe-failure-window-short': {
      const [window] = windows(message);
      expect(legendBefore(load, mark)).toContain(window!.text);
      expect(load.before.get(mark)).toBe(window!.seconds);
      break;
    }
    case 'liveness-equals-readiness':
    case 'liveness-stricter-than-readiness': {
      // Both messages name the liveness window first and the readiness one second.
      const [live, ready] = windows(message);
      expect(load.before.get('L')).toBe(live!.seconds);
      expect(load.before.get('R')).toBe(ready!.seconds);
      expect(legendBefore(load, 'L')).toContain(live!.text);
      expect(legendBefore(load, 'R')).toContain(ready!.text);
      break;
    }
    case 'startup-probe-preferred':
      expect(legendBefore(lanes.get('start')!, 'L')).toMatch(new RegExp(`^liveness .*: ${number(message, /waits a fixed (\d+)s/)}s \\+ `));
      break;
    case 'prestop-hook-missing': {
      expect(shutdown.before.get('T')).toBe(0);
      expect(shutdown.after.get('T')).toBe(number(message, /sleep: \{seconds: (\d+)\}/));
      const raised = /raised from (\d+) to (\d+)/.exec(message);
      if (raised) expect([shutdown.before.get('K'), shutdown.after.get('K')]).toEqual([Number(raised[1]), Number(raised[2])]);
      break;
    }
    case 'termination-grace-too-short': {
      const sleep = number(message, /sleeps (\d+)s/);
      const grace = number(message, /terminationGracePeriodSeconds is (?:unset \()?(\d+)/);
      if (sleep > grace && shutdown.before.size === 0) {
        // A sleep action longer than the grace period: the API server rejects the pod (§2), nothing is drawn.
        expect(shutdown.notes).toContain(`before: the API server rejects this pod: its preStop sleep of ${sleep}s is longer than its grace period of ${grace}s`);
        break;
      }
      expect(legendBefore(shutdown, 'T')).toContain(`sleeps ${sleep}s`);
      expect(shutdown.before.get('K')).toBe(grace);
      break;
    }
    default:
      throw new Error(`not a timing rule: ${finding.ruleId}`);
  }
}

describe('the numbers of a drawing are the numbers of the rules', () => {
  const manifests = [
    ...CASES.map((c) => c.file),
    PASSES,
    TCP,
    REJECTED,
    ...TIMING_RULES.flatMap((id) =>
      fs
        .readdirSync(path.join(FIXTURES, id))
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => path.join('test', 'fixtures', id, name)),
    ),
  ];

  it('finds every timing rule among the manifests it checks', async () => {
    const result = await run({ paths: manifests, cwd: REPO });
    expect(new Set(result.findings.filter((f) => f.timeline).map((f) => f.ruleId))).toEqual(new Set(TIMING_RULES));
  });

  for (const manifest of manifests) {
    it(`in ${manifest}`, async () => {
      const result = await run({ paths: [manifest], cwd: REPO });
      const timed = result.findings.filter((f) => TIMING_RULES.includes(f.ruleId));
      if (timed.length === 0) return;
      const drawings = parseDrawing(await draw([manifest], REPO));
      for (const finding of timed) {
        const label = `${finding.object!.kind} ${finding.object!.namespace ? `${finding.object!.namespace}/` : ''}${finding.object!.name} › container ${finding.container}`;
        const lanes = drawings.get(label);
        // Only serving containers are drawn without --container: draw this one by name.
        const own = lanes ?? parseDrawing(await draw([manifest], REPO, { container: finding.container! })).get(label);
        expect(own, `${label} is drawn`).toBeDefined();
        checkAgainstMessage(finding, own!);
        // The one-line version a stylish finding ends with shows the same times as the lane's "before" line.
        const lane = own!.get({ load: 'under load', start: 'start', shutdown: 'shutdown' }[finding.timeline!.lane])!;
        const inline = new Map([...drawLine(finding.timeline!, { ascii: false, color: false }).matchAll(/([A-Z]) ([\d.]+)s /g)].map((m) => [m[1]!, Number(m[2])]));
        expect(inline).toEqual(lane.before);
      }
    });
  }
});

describe('after', () => {
  it('is what the manifest reads once --fix --unsafe-fixes has fixed it', async () => {
    const outcome = await fixAll({ paths: ['samples/incident-api.yaml'], cwd: REPO }, true);
    const fixedText = outcome.files[0]!.after;
    const dir = tempTree({ 'api.yaml': fixedText });
    const original = await draw(['samples/incident-api.yaml'], REPO);
    const fixed = await draw(['api.yaml'], dir);
    const lines = (text: string, which: string): string[] => text.split('\n').flatMap((l) => l.match(new RegExp(`^ {4}${which} +(.*)$`))?.slice(1) ?? []);
    expect(lines(fixed, 'before')).toEqual(lines(original, 'after'));
    // The fixed manifest has no fix left: its two lines agree.
    expect(lines(fixed, 'after')).toEqual(lines(fixed, 'before'));
  });

  for (const file of ['samples/incident-api.yaml', PASSES, TCP, REJECTED]) {
    it(`has the numbers of what --fix-dry-run --unsafe-fixes makes of ${file}`, async () => {
      const outcome = await fixAll({ paths: [file], cwd: REPO }, true);
      expect(outcome.refused).toEqual([]);
      const name = path.basename(file);
      const dir = tempTree({ [name]: outcome.files[0]!.after });
      const original = parseDrawing(await draw([file], REPO));
      const fixed = parseDrawing(await draw([name], dir));
      expect([...fixed.keys()]).toEqual([...original.keys()]);
      for (const [label, lanes] of original) {
        for (const [title, lane] of lanes) {
          // A lane with nothing to show in either state is left out.
          const now = fixed.get(label)!.get(title) ?? { before: new Map(), after: new Map() };
          expect(now.before, `${label}, ${title}`).toEqual(lane.after);
          expect(now.after, `${label}, ${title}: nothing left to fix`).toEqual(now.before);
        }
      }
    });
  }

  it('names each field once, with the fix that gives its last value', async () => {
    const text = await draw([PASSES], REPO);
    const block = text.split('\n\n').find((b) => b.includes('› container twice\n'))!;
    const header = block.split('\n')[1]!;
    // Raised to 10 in the first pass and to 15 in the second, once the timeouts have stretched readiness's window.
    expect(header.match(/liveness: set failureThreshold/g)).toHaveLength(1);
    expect(header).toContain('liveness: set failureThreshold to 15 (15 × 5s = 75s)');
  });

  it.skipIf(!HAS_HELM)('renders a chart once, however many passes the other files take', async () => {
    // A helm that counts its runs, in front of the real one.
    const bin = tempTree({});
    const log = path.join(bin, 'runs.log');
    fs.writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${path.join(TOOLS, 'helm')}' "$@"\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${TOOLS}${path.delimiter}${saved}`;
    try {
      const paths = ['test/fixtures/charts/toyaml-probes', PASSES];
      await run({ paths, cwd: REPO });
      const once = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
      fs.rmSync(log);
      const text = await draw(paths, REPO);
      // The manifest's fixes take passes: each lints the chart again, from the first lint's render.
      expect(text).toContain('liveness: set failureThreshold to 15');
      expect(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(once);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('leaves the files as they were', async () => {
    const text = fs.readFileSync(path.join(OWN, 'shutdown-without-prestop.yaml'), 'utf8');
    const dir = tempTree({ 'web.yaml': text });
    await draw(['web.yaml'], dir);
    expect(fs.readFileSync(path.join(dir, 'web.yaml'), 'utf8')).toBe(text);
    expect(fs.readdirSync(dir)).toEqual(['web.yaml']);
  });

  it('applies only the fixes of the container drawn', async () => {
    // Two pods in one file: drawing one leaves the other's numbers as they are.
    const one = fs.readFileSync(path.join(OWN, 'shutdown-without-prestop.yaml'), 'utf8');
    const dir = tempTree({ 'two.yaml': `${one}---\n${one.replaceAll('web', 'other')}` });
    const text = await draw(['two.yaml'], dir, { container: 'web' });
    expect(text).toContain('container web');
    expect(text).not.toContain('container other');
    expect(text).toContain('add a preStop hook');
  });
});

describe('TCP probes', () => {
  const loadOf = async (container: string): Promise<Lane> => parseDrawing(await draw([TCP], REPO)).get(`Deployment ${container} › container ${container}`)!.get('under load')!;

  it('do not fail on slow answers: nothing happens under load, and a note says why', async () => {
    const load = await loadOf('tcp');
    expect(load.before).toEqual(new Map());
    expect(load.after).toEqual(new Map());
    expect(tcpNote(load, 'readiness') && tcpNote(load, 'liveness')).toBe(true);
  });

  it('added by a fix do not fail on slow answers either', async () => {
    const load = await loadOf('no-readiness');
    expect(load.after).toEqual(new Map([['L', 60]]));
    expect(load.notes).toContain('after: readiness probe is a TCP connect: it fails only when nothing accepts connections, not on slow answers');
  });

  it('give their findings a one-line picture with the note', async () => {
    const result = await run({ paths: [TCP], cwd: REPO });
    const finding = result.findings.find((f) => f.ruleId === 'probe-failure-window-short')!;
    expect(drawLine(finding.timeline!, { ascii: false, color: false })).toBe(
      'under load: readiness probe is a TCP connect: it fails only when nothing accepts connections, not on slow answers',
    );
  });
});

describe('shutdown', () => {
  it('of a pod whose preStop sleep action outlasts its grace period is not drawn: the API server rejects the pod', async () => {
    const text = await draw([REJECTED], REPO);
    const shutdown = parseDrawing(text).get('Deployment sleepy › container sleepy')!.get('shutdown')!;
    expect(shutdown.before).toEqual(new Map());
    expect(shutdown.after).toEqual(new Map([['E', 3], ['T', 40], ['K', 70]]));
    expect(shutdown.notes).toEqual(['before: the API server rejects this pod: its preStop sleep of 40s is longer than its grace period of 30s']);
    const result = await run({ paths: [REJECTED], cwd: REPO });
    const finding = result.findings.find((f) => f.ruleId === 'termination-grace-too-short')!;
    expect(drawLine(finding.timeline!, { ascii: false, color: false })).toBe('shutdown: the API server rejects this pod: its preStop sleep of 40s is longer than its grace period of 30s');
  });

  it('calls only a signal "never sent"', async () => {
    const text = await draw([REJECTED], REPO);
    const quick = parseDrawing(text).get('Deployment quick › container quick')!.get('shutdown')!;
    // SIGKILL at 2s, before routes catch up at 3s.
    expect(quick.before).toEqual(new Map([['T', 0], ['K', 2]]));
    expect(quick.legend.get('E')).toBe('routes have caught up, no new requests arrive: 3s, assumed (after SIGKILL, not drawn) → 3s, assumed');
    const sleepy = parseDrawing(await draw(['test/fixtures/timeline/shutdown-with-prestop.yaml'], REPO)).get('Deployment gateway › container gateway')!.get('shutdown')!;
    expect(sleepy.legend.get('T')).toContain('(never sent: SIGKILL comes no later)');
  });
});

describe('the command', () => {
  it('prints the golden drawing', () => {
    const result = cli(['timeline', 'samples/incident-api.yaml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(fs.readFileSync(path.join(GOLDEN, 'incident-api.txt'), 'utf8'));
  });

  it('draws plain ASCII with --ascii, and colour only when asked', () => {
    const ascii = cli(['timeline', '--ascii', 'samples/incident-api.yaml']);
    expect(ascii.stdout).toBe(fs.readFileSync(path.join(GOLDEN, 'incident-api.ascii.txt'), 'utf8'));
    expect(cli(['timeline', 'samples/incident-api.yaml']).stdout).not.toContain('\u001b[');
    expect(cli(['timeline', 'samples/incident-api.yaml'], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[31m');
  });

  it('draws the container named, serving or not, and refuses a name that is not there (exit 2)', () => {
    const named = cli(['timeline', 'samples/', '--container', 'worker']);
    expect(named.status).toBe(0);
    expect(named.stdout).toMatch(/^samples\/worker-with-comments\.yaml:\d+ {2}Deployment shop\/worker › container worker$/m);
    expect(named.stdout.match(/› container /g)).toHaveLength(1);
    const unknown = cli(['timeline', 'samples/', '--container', 'wroker']);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^probe-lint: no container named "wroker" in the linted files; there are .*"worker"/);
  });

  it('draws every serving container by default, and says so when none serves', () => {
    const all = cli(['timeline', 'samples/']);
    expect(all.status).toBe(0);
    expect(all.stdout.match(/^\S+:\d+ {2}.*› container .*$/gm)).toEqual([
      expect.stringContaining('container api'),
      expect.stringContaining('container api'),
      expect.stringContaining('container postgres'),
      expect.stringContaining('container storefront'),
    ]);
    const none = cli(['timeline', 'samples/nightly-report.yaml']);
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/no container here serves traffic/);
  });

  it('reads stdin once, and says that fixes are not applied there', () => {
    const text = fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8');
    const result = cli(['timeline', '-'], { input: text });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^<stdin>:21 {2}Deployment shop\/api › container api\n {2}after: fixes are made against files, not standard input/);
    expect(result.stdout).toContain('readiness takes the pod out of service "api": 3 × 5s = 15s, timeout 2s\n');
  });

  it('keeps what stdin gave for every pass: a Service there still routes to the fixed Deployment', () => {
    const [deployment, service] = fs.readFileSync(path.join(OWN, 'shutdown-without-prestop.yaml'), 'utf8').split('\n---\n');
    const dir = tempTree({ 'web.yaml': deployment! });
    const result = cli(['timeline', '-', 'web.yaml'], { cwd: dir, input: service });
    expect(result.stdout).toMatch(/after: add a preStop hook/);
    expect(result.stdout).toMatch(/^ {4}after +\S+ +E 3s {2}T 5s {2}K 15s$/m);
  });

  it('prints the notices of the lint on stderr', () => {
    const dir = tempTree({ 'api.yaml': fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8'), 'blob.yaml': Buffer.from([0, 1, 2]) });
    const result = cli(['timeline', '.'], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('probe-lint: blob.yaml: binary file skipped\n');
  });

  it('takes --propagation-seconds for when routes catch up', () => {
    const result = cli(['timeline', '--propagation-seconds', '7', 'test/fixtures/timeline/shutdown-without-prestop.yaml']);
    expect(result.stdout).toMatch(/before +\S+ +T 0s {2}E 7s {2}K 10s$/m);
    expect(cli(['timeline', '--propagation-seconds', 'soon', 'samples/']).status).toBe(2);
  });

  it('is pictured in the README as it draws', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const shown = /\n\$ probe-lint timeline samples\/incident-api\.yaml\n([\s\S]*?\n)```/.exec(readme);
    expect(shown, 'README.md shows the timeline of samples/incident-api.yaml').not.toBeNull();
    expect(shown![1]).toBe(fs.readFileSync(path.join(GOLDEN, 'incident-api.txt'), 'utf8'));
  });

  it('exits 2 on a path with nothing to lint', () => {
    const result = cli(['timeline', 'no-such-dir/']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^probe-lint: no-such-dir/);
  });
});

describe('findings', () => {
  it('carry their timeline to stylish, and to no other format', () => {
    expect(cli(['samples/incident-api.yaml']).stdout).toContain('timeline from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s out of service "api" · L 30s restart');
    for (const format of ['json', 'sarif', 'github', 'compact']) {
      const out = cli(['-f', format, 'samples/']).stdout;
      expect(out, format).not.toMatch(/timeline|[├━┄╳]|SIGKILL · /i);
    }
  });

  it('draw the stylish one-liner in colour when stylish is in colour, in Unicode either way', async () => {
    const report = toReport(await run({ paths: ['samples/incident-api.yaml'], cwd: REPO }), '0.0.0');
    const line = (color: boolean): string => formatStylish(report, { color }).split('\n').find((l) => l.includes('from the first slow answer'))!;
    expect(line(false)).toContain('timeline from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s');
    expect(line(true)).toContain('\u001b[1mR\u001b[22m\u001b[33m┄┄┄┄┄┄┄┄┄┄┄┄┄┄\u001b[39m\u001b[1mL\u001b[22m');
    expect(line(true).replace(/\u001b\[\d+m/g, '')).toBe(line(false));
  });

  it('only of the timing rules', async () => {
    const result = await run({ paths: ['samples/', 'test/fixtures/'], cwd: REPO });
    const timed = new Set(result.findings.filter((f) => f.timeline).map((f) => f.ruleId));
    expect([...timed].every((id) => TIMING_RULES.includes(id))).toBe(true);
    expect(result.findings.filter((f) => TIMING_RULES.includes(f.ruleId) && !f.timeline)).toEqual([]);
  });
});

describe('worstTimelines', () => {
  // The findings as the Action's report locates them.
  const located = (result: Awaited<ReturnType<typeof run>>) => toReport(result, '0.0.0').findings;

  it('shows the worst findings first: errors, then the shortest time until it hurts', async () => {
    const settings = new Map([['termination-grace-too-short', { severity: 'error' as const }]]);
    const result = await run({ paths: ['samples/', 'test/fixtures/timeline/'], cwd: REPO, settings });
    const lines = worstTimelines(located(result), 3);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^test\/fixtures\/timeline\/shutdown-with-prestop\.yaml:17 {2}error {2}termination-grace-too-short {2}Deployment gateway › container gateway$/);
    // A pod the API server rejects has no shutdown to time: last among the errors, with the reason.
    expect(lines[2]).toMatch(/^test\/fixtures\/timeline\/shutdown-rejected\.yaml:18 {2}error {2}termination-grace-too-short {2}Deployment sleepy › container sleepy$/);
    expect(lines[3]).toBe('  shutdown: the API server rejects this pod: its preStop sleep of 40s is longer than its grace period of 30s');
    // Then the warnings by when their event comes: SIGTERM at 0s without a preStop hook, before any probe acts.
    expect(lines[4]).toMatch(/warning {2}prestop-hook-missing/);
    expect(lines[5]).toMatch(/^ {2}from deletion: T/);
    expect(worstTimelines(located(result), 100).length).toBe(2 * result.findings.filter((f) => f.timeline).length);
    expect(worstTimelines(located(result), 5, { ascii: true }).join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it.skipIf(!HAS_HELM)("points at a chart's template, as the rest of the summary does", async () => {
    const saved = process.env.PATH;
    process.env.PATH = `${TOOLS}${path.delimiter}${saved}`;
    try {
      const result = await run({ paths: ['test/fixtures/charts/toyaml-probes'], cwd: REPO });
      const heads = worstTimelines(located(result), 5).filter((_, i) => i % 2 === 0);
      expect(heads).toHaveLength(5);
      for (const head of heads) expect(head).toMatch(/^test\/fixtures\/charts\/toyaml-probes\/templates\/deployment\.yaml:(21|22|38) {2}/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('shows the incident as the Action summary will', async () => {
    const result = await run({ paths: ['samples/incident-api.yaml'], cwd: REPO });
    expect(worstTimelines(located(result)).join('\n') + '\n').toBe(
      [
        'samples/incident-api.yaml:21  warning  prestop-hook-missing  Deployment shop/api › container api',
        '  from deletion: T╳╳E──────────────────────────K  T 0s SIGTERM · E 3s routes caught up · K 30s SIGKILL',
        'samples/incident-api.yaml:31  warning  probe-timeout-short  Deployment shop/api › container api › readiness probe',
        '  from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s out of service "api" · L 30s restart',
        'samples/incident-api.yaml:32  warning  probe-failure-window-short  Deployment shop/api › container api › readiness probe',
        '  from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s out of service "api" · L 30s restart',
        'samples/incident-api.yaml:33  warning  probe-timeout-short  Deployment shop/api › container api › liveness probe',
        '  from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s out of service "api" · L 30s restart',
        'samples/incident-api.yaml:33  info  liveness-equals-readiness  Deployment shop/api › container api › liveness probe',
        '  from the first slow answer: ├━━━━━━━━━━━━━━R┄┄┄┄┄┄┄┄┄┄┄┄┄┄L  R 15s out of service "api" · L 30s restart',
        '',
      ].join('\n'),
    );
  });
});
