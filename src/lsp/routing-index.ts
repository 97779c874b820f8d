// The workspace's Services, Ingresses and routes, by file: what `--context
// <folder>` reads on every run, read here once in the background and kept
// current from file-change notifications and the open documents' own text.
// The scan gives the event loop back after every file, so that no keystroke
// waits for it; until it is done, lints use what it has found so far.
import { statSync } from 'node:fs';
import type { ConfigResolver } from '../config.js';
import { isInside } from '../files.js';
import { collectInputs, displayPath, type InputFile, type Notice } from '../inputs.js';
import type { Model } from '../model.js';
import { readOne } from '../read-inputs.js';
import { RENDERERS, renderAll, renderedSources, type RenderTargets } from '../renderers/index.js';
import { findTool, toolRunner } from '../renderers/tools.js';
import type { RoutingContext } from '../routing-context.js';
import { joinRoutingObjects, routingKey, routingObjectsOf } from '../routing-objects.js';
import type { RoutingObjects } from '../routing.js';
import { configIgnores, OWN_FILES, targetsOf } from '../run.js';

export interface RoutingIndex {
  /** Walks the folder again: new files are read, files gone are dropped, changed ones re-read; charts and overlays are rendered again. */
  scan(): Promise<void>;
  /** Re-reads one file that changed on disk, when the walk has it. */
  fileChanged(absPath: string): void;
  /** Whether a file is read through a render (a chart's template, a kustomization's resource) rather than on its own. */
  rendersFile(absPath: string): boolean;
  /** An open document's objects, which stand for its file on disk; null when it is closed again (the file on disk counts again). */
  setOpen(absPath: string, objects: RoutingObjects | null): void;
  /** The routing objects of everything but the given file and render directories: context for linting that file. */
  contextFor(absPath: string | null, skipDirs?: readonly string[]): RoutingContext;
}

export interface IndexOptions {
  folder: string;
  /** The configs of the folder, for the walk's ignore lists and the renders' settings; their forDir throws ConfigError for a broken one. */
  configs(): ConfigResolver;
  /** Called when objects other than open documents' have changed (a scan, once it is done; a file re-read whose objects changed for routing). */
  changed(): void;
  /** What could not be read or rendered: a log line, never a diagnostic. */
  notice(notice: Notice): void;
}

export function routingObjects(model: Model): RoutingObjects {
  return { services: model.services, backends: model.backends };
}

export function createRoutingIndex(options: IndexOptions): RoutingIndex {
  const { folder } = options;
  // Files by absolute path, with the stamp they were read at and their routingKey.
  const files = new Map<string, { stamp: string; objects: RoutingObjects; key: string }>();
  // The files of the last walk, in its order: the order `--context` reads them in, and messages name their Services in.
  let walked: string[] = [];
  // Rendered charts and overlays, in the order of their rendered streams.
  let renders: { dir: string; objects: RoutingObjects }[] = [];
  // Files their renders read: never context on their own.
  let renderedFiles = new Set<string>();
  let renderDirs: string[] = [];
  const open = new Map<string, RoutingObjects>();
  let generation = 0;
  // The last context handed out, until anything in the index changes: every keystroke asks for the same one.
  let last: { key: string; context: RoutingContext } | null = null;
  const touched = (): void => {
    last = null;
  };

  /** The walk --context does: .gitignore, config ignores, charts and overlays set aside, probe-lint's own files passed by. */
  const walk = () => collectInputs([folder], { cwd: folder, ignore: [], configIgnore: configIgnores(options.configs()), kinds: RENDERERS, skipNames: OWN_FILES });

  /** Reads a file again unless its stamp is the same; whether its objects changed for routing (objects equal for it are kept, as the context built from them). */
  const read = (file: InputFile): boolean => {
    const stamp = stampOf(file.absPath);
    const known = files.get(file.absPath);
    if (stamp !== null && known?.stamp === stamp) return false;
    const objects = objectsOnDisk(file);
    const key = routingKey(objects);
    if (known?.key === key) {
      files.set(file.absPath, { ...known, stamp: stamp ?? '' });
      return false;
    }
    files.set(file.absPath, { stamp: stamp ?? '', objects, key });
    touched();
    return true;
  };

  /** Renders every chart and overlay of the folder (none: forgets the last renders). */
  const render = async (targets: RenderTargets, from: number): Promise<void> => {
    const tools = toolRunner({ cwd: folder });
    const configs = options.configs();
    const outcome = await renderAll(targets, { cwd: folder, configFor: (dir) => configs.forDir(dir), findTool, runTool: tools.run });
    if (from !== generation) return;
    renders = renderedSources(outcome, folder).map((source) => ({ dir: source.rendered!.dir, objects: routingObjectsOf(source) }));
    renderedFiles = outcome.excluded;
    touched();
    for (const notice of outcome.notices) options.notice(notice);
  };

  return {
    async scan() {
      const from = ++generation;
      const inputs = await walk();
      renderDirs = [...inputs.targets.values()].flat();
      walked = inputs.files.map((f) => f.absPath);
      const listed = new Set(walked);
      for (const known of files.keys()) if (!listed.has(known)) files.delete(known);
      touched();
      for (const file of inputs.files) {
        // A newer scan has started: it reads the rest.
        if (from !== generation) return;
        read(file);
        await nextTurn();
      }
      const targets = targetsOf(inputs);
      try {
        await render(targets, from);
      } finally {
        // Open documents are linted again once, with all of it; a newer scan does that itself.
        if (from === generation) options.changed();
      }
    },
    fileChanged(absPath) {
      if (!files.has(absPath)) return;
      if (read({ absPath, path: displayPath(folder, absPath) })) options.changed();
    },
    rendersFile(absPath) {
      return renderedFiles.has(absPath) || renderDirs.some((dir) => isInside(dir, absPath));
    },
    setOpen(absPath, objects) {
      if (open.get(absPath) === objects) return;
      if (objects) open.set(absPath, objects);
      else open.delete(absPath);
      touched();
    },
    contextFor(absPath, skipDirs = []) {
      const key = JSON.stringify([absPath, skipDirs]);
      if (last?.key === key) return last.context;
      // As readRoutingContext joins them: the renders, then the walk's files, an open document's text in its file's place.
      const parts: RoutingObjects[] = renders.filter((r) => !skipDirs.includes(r.dir)).map((r) => r.objects);
      for (const file of walked) {
        if (file === absPath || renderedFiles.has(file)) continue;
        const objects = open.get(file) ?? files.get(file)?.objects;
        if (objects) parts.push(objects);
      }
      // Open documents the walk has not seen (yet): after it.
      const seen = new Set(walked);
      for (const [file, objects] of open) if (file !== absPath && !seen.has(file) && !renderedFiles.has(file)) parts.push(objects);
      const context = { ...joinRoutingObjects(parts), notices: [] };
      last = { key, context };
      return context;
    },
  };
}

/** What a file on disk holds for routing, read as the CLI reads it; nothing when it cannot be read. */
function objectsOnDisk(file: InputFile): RoutingObjects {
  const read = readOne(file, undefined);
  return 'source' in read ? routingObjectsOf(read.source) : { services: [], backends: [] };
}

function stampOf(absPath: string): string | null {
  try {
    const stat = statSync(absPath);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
}

/** Gives the event loop a turn: pending messages (a keystroke) are handled before the scan goes on. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
