// `probe-lint timeline`: for each serving container (or the one named), its
// lanes before and after its fixes, drawn one above the other.
import { objectLabel } from '../format/report.js';
import { UsageError, type Notice } from '../inputs.js';
import { isLongRunning, type Container } from '../model.js';
import type { ContainerRouting } from '../routing.js';
import type { RunOptions } from '../run.js';
import { positionOf } from '../source.js';
import { afterFixes, lintWithModel, type Fixed } from './after.js';
import { drawPair, terminalText, type DrawOptions } from './draw.js';
import { containerLanes, DEFAULT_PROPAGATION_SECONDS } from './lanes.js';

export interface TimelineOptions extends DrawOptions {
  run: RunOptions;
  /** Draw the containers of this name only, serving or not. */
  container?: string;
  /** Seconds routes take to catch up with an endpoint removal; DEFAULT_PROPAGATION_SECONDS when unset. */
  propagationSeconds?: number;
}

export interface Timelines {
  /** One block per container drawn. */
  text: string;
  /** What the lint had to say on the side (files skipped, charts not rendered): stderr's. */
  notices: Notice[];
}

/** The drawings, one block per container; a container name that is not there is a usage error. */
export async function timelines(options: TimelineOptions): Promise<Timelines> {
  // Every pass lints again, and stdin can be read once: the later passes get what the first read. Charts
  // and overlays are rendered once too: a pass changes the texts of files the lint reads itself, never
  // what helm or kubectl read from disk, so every pass shares the first lint's renders.
  const read = options.run.readStdin;
  let stdin: Promise<string> | undefined;
  const shared: RunOptions = { ...options.run, renderCache: options.run.renderCache ?? new Map() };
  const run: RunOptions = read ? { ...shared, readStdin: () => (stdin ??= read()) } : shared;
  const first = await lintWithModel(run);
  const candidates = first.model.workloads.flatMap((w) => w.containers.filter(isLongRunning));
  const chosen = candidates.filter((c) => (options.container === undefined ? first.routing.of(c).serves : c.name === options.container));
  if (options.container !== undefined && chosen.length === 0) {
    const names = [...new Set(candidates.map((c) => JSON.stringify(c.name)))];
    throw new UsageError(`no container named ${JSON.stringify(options.container)} in the linted files${names.length > 0 ? `; there are ${names.join(', ')}` : ''}`);
  }
  const notices = first.result.notices;
  if (chosen.length === 0) return { text: 'no container here serves traffic (nothing routes to it or exposes it); name one with --container\n', notices };
  const fixed = await afterFixes(run, first, chosen);
  const blocks = chosen.map((container) => drawContainer(container, first.routing.of(container), fixed.get(container)!, options));
  return { text: blocks.join('\n\n') + '\n', notices };
}

function drawContainer(container: Container, routing: ContainerRouting, fixed: Fixed, options: TimelineOptions): string {
  const { object } = container.workload;
  const { line } = positionOf(object.file, container.span.start);
  const header = `${object.file.path}:${line}  ${objectLabel(object.ref, container.name, null)}`;
  const propagation = options.propagationSeconds ?? DEFAULT_PROPAGATION_SECONDS;
  const before = containerLanes(container, routing, propagation);
  const after = fixed.container && fixed.routing ? containerLanes(fixed.container, fixed.routing, propagation) : before;
  const applied =
    fixed.applied.length > 0
      ? `after: ${fixed.applied.join('; ')}`
      : object.file.absPath === null
        ? 'after: fixes are made against files, not standard input, so it is the same as before'
        : 'after: no fix applies here, so it is the same as before';
  const lines = [header, `  ${applied}`];
  if (fixed.elsewhere.length > 0) lines.push(`  not applied (shown against the files people edit): ${fixed.elsewhere.join('; ')}`);
  if (!fixed.container) lines.push('  the fixes left the manifest unreadable: after is the same as before');
  const said = lines.map((l) => terminalText(l, options));
  before.forEach((lane, i) => {
    const pair = { before: lane, after: after[i]! };
    // A start lane with nothing to show in either state says nothing: left out.
    if (lane.lane === 'start' && lane.events.length + pair.after.events.length === 0) return;
    said.push('', ...drawPair(pair, options));
  });
  return said.join('\n');
}
