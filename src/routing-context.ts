// --context PATH: Services, Ingresses and routes read from more of the
// repository than what is linted, for routing only. pre-commit names only the
// staged files, and a Deployment's Service often lives in another one: without
// it the verdict on the Deployment differs from CI's on the whole repository.
// Nothing read here is reported on; workloads here are never linted.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isGlobPattern, UsageError, type Inputs, type Notice } from './inputs.js';
import type { Backend, Service } from './model.js';
import { joinRoutingObjects, routingObjectsOf } from './routing-objects.js';
import { renderedSources, type Renderer, type RenderOutcome, type RenderTargets, type Unrendered } from './renderers/index.js';
import { push } from './multimap.js';
import { readOne } from './read-inputs.js';

export interface RoutingContext {
  services: Service[];
  backends: Backend[];
  notices: Notice[];
}

export interface ContextRequest {
  paths: string[];
  cwd: string;
  /** What the run lints: its files, charts and kustomizations are not context. */
  linted: Inputs;
  /** Files the run's own renders read or left out (resources, patches): never context on their own. */
  excluded: ReadonlySet<string>;
  /** The run's own ways to find, render and read inputs, so that context is read as a normal run would. */
  collect(paths: string[]): Promise<Inputs>;
  /** Renders targets, planning with all of them but rendering none of `skip`. */
  render(targets: RenderTargets, skip: ReadonlySet<string>): Promise<RenderOutcome>;
}

export async function readRoutingContext(request: ContextRequest): Promise<RoutingContext> {
  if (request.paths.includes('-')) throw new UsageError('--context -: standard input cannot be context; name a directory or file');
  // A context that is not there would make every verdict quietly differ from CI's: a usage error, as a mistyped path is.
  for (const p of request.paths) {
    if (!existsSync(path.resolve(request.cwd, p)) && !(await isGlobPattern(p))) throw new UsageError(`--context ${p}: no such file or directory`);
  }
  const found = await request.collect(request.paths);
  // Planned over the whole run, as a run over everything would: a kustomization another one builds on is not
  // rendered on its own (its objects come through the one on top), and what the run renders itself is skipped.
  const targets = new Map([...found.targets].map(([kind, dirs]) => [kind as Renderer, [...new Set([...(request.linted.targets.get(kind) ?? []), ...dirs])].sort()]));
  const skip = new Set([...request.linted.targets.values()].flat());
  const rendering = await request.render(targets, skip);
  const linted = new Set(request.linted.files.map((f) => f.absPath));
  const files = found.files.filter((f) => !linted.has(f.absPath) && !request.excluded.has(f.absPath) && !rendering.excluded.has(f.absPath));
  // Documents without a Service, Ingress or route get no parse at all, and no text is kept (routing-objects.ts).
  const parts = renderedSources(rendering, request.cwd).map(routingObjectsOf);
  for (const file of files) {
    // One that cannot be read gives no routing; the run's own read says why if it lints the file.
    const read = readOne(file, undefined);
    if ('source' in read) parts.push(routingObjectsOf(read.source));
  }
  const model = joinRoutingObjects(parts);
  return { services: model.services, backends: model.backends, notices: unrenderedNotice(rendering.failures) };
}

/** One line for every context chart or overlay not rendered: nothing there is reported, but routing may miss a Service. */
function unrenderedNotice(failures: readonly Unrendered[]): Notice[] {
  if (failures.length === 0) return [];
  const byReason = new Map<string, string[]>();
  for (const failure of failures) push(byReason, failure.reason, failure.shown);
  const reasons = [...byReason].map(([reason, dirs]) => `${dirs.join(', ')} (${reason})`).join('; ');
  return [{ file: null, line: null, message: `--context: not rendered, so their Services, Ingresses and routes are not seen: ${reasons}` }];
}
