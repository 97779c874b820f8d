// The workspace's Services, Ingresses and routes, by file: what `--context
// <folder>` reads on every run, read here once in the background and kept
// current from file-change notifications and the open documents' own text.
// The scan gives the event loop back after every file, so that no keystroke
// waits for it; until it is done, lints use what it has found so far.
import { statSync } from 'node:fs';
import { buildModel } from '../build-model.js';
import type { Config } from '../config.js';
import { isInside } from '../files.js';
import { collectInputs, displayPath, type IgnoreList, type InputFile, type Notice } from '../inputs.js';
import { holdsRoutingObject } from '../kinds.js';
import type { Backend, Model, Service } from '../model.js';
import { parseFile } from '../parse.js';
import { RENDERERS, renderAll, renderedSources, type RenderTargets } from '../renderers/index.js';
import { findTool, toolRunner } from '../renderers/tools.js';
import type { RoutingContext } from '../routing-context.js';
import { OWN_FILES } from '../run.js';
import type { SourceFile } from '../source.js';
import { MAX_FILE_BYTES, readBounded } from '../tree-files.js';

export interface RoutingObjects {
  services: Service[];
  backends: Backend[];
}

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
  /** The config of a directory, for its ignore list and the renders' settings; throws ConfigError for a broken one. */
  configFor(dir: string): Config;
  /** Called when objects other than open documents' have changed (a scan step, a render, a file re-read). */
  changed(): void;
  /** What could not be read or rendered: a log line, never a diagnostic. */
  notice(notice: Notice): void;
}

export function routingObjects(model: Model): RoutingObjects {
  return { services: model.services, backends: model.backends };
}

const NONE: RoutingObjects = { services: [], backends: [] };

export function createRoutingIndex(options: IndexOptions): RoutingIndex {
  const { folder } = options;
  // Files by absolute path, with the stamp they were read at.
  const files = new Map<string, { stamp: string; objects: RoutingObjects }>();
  // Rendered charts and overlays, by directory.
  const renders = new Map<string, RoutingObjects>();
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

  const configIgnore = (dir: string): IgnoreList => {
    const config = options.configFor(dir);
    return { base: config.ignoreBase, patterns: config.ignore };
  };

  /** The walk --context does: .gitignore, config ignores, charts and overlays set aside, probe-lint's own files passed by. */
  const walk = () => collectInputs([folder], { cwd: folder, ignore: [], configIgnore, kinds: RENDERERS, skipNames: OWN_FILES });

  const read = (file: InputFile): void => {
    const stamp = stampOf(file.absPath);
    if (stamp !== null && files.get(file.absPath)?.stamp === stamp) return;
    files.set(file.absPath, { stamp: stamp ?? '', objects: objectsOnDisk(file) });
    touched();
  };

  /** Renders every chart and overlay of the folder (none: forgets the last renders), then lints open documents again. */
  const render = async (targets: RenderTargets, from: number): Promise<void> => {
    const tools = toolRunner({ cwd: folder });
    const outcome = await renderAll(targets, { cwd: folder, configFor: options.configFor, findTool, runTool: tools.run });
    if (from !== generation) return;
    renders.clear();
    for (const source of renderedSources(outcome, folder)) {
      const dir = source.rendered!.dir;
      const objects = objectsOf(source);
      const known = renders.get(dir) ?? { services: [], backends: [] };
      renders.set(dir, { services: [...known.services, ...objects.services], backends: [...known.backends, ...objects.backends] });
    }
    renderedFiles = outcome.excluded;
    touched();
    for (const notice of outcome.notices) options.notice(notice);
    options.changed();
  };

  return {
    async scan() {
      const from = ++generation;
      const inputs = await walk();
      renderDirs = [...inputs.targets.values()].flat();
      const listed = new Set(inputs.files.map((f) => f.absPath));
      for (const known of files.keys()) if (!listed.has(known)) files.delete(known);
      touched();
      for (const file of inputs.files) {
        // A newer scan has started: it reads the rest.
        if (from !== generation) return;
        read(file);
        await nextTurn();
      }
      options.changed();
      const targets: RenderTargets = new Map(RENDERERS.map((renderer) => [renderer, inputs.targets.get(renderer) ?? []]));
      await render(targets, from);
    },
    fileChanged(absPath) {
      if (!files.has(absPath)) return;
      read({ absPath, path: displayPath(folder, absPath) });
      options.changed();
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
      const parts: RoutingObjects[] = [];
      for (const [file, { objects }] of files) {
        if (file !== absPath && !open.has(file) && !renderedFiles.has(file)) parts.push(objects);
      }
      for (const [file, objects] of open) if (file !== absPath && !renderedFiles.has(file)) parts.push(objects);
      for (const [dir, objects] of renders) if (!skipDirs.includes(dir)) parts.push(objects);
      const context = { services: parts.flatMap((p) => p.services), backends: parts.flatMap((p) => p.backends), notices: [] };
      last = { key, context };
      return context;
    },
  };
}

/** What a file on disk holds for routing; nothing when it cannot be read. */
function objectsOnDisk(file: InputFile): RoutingObjects {
  let bytes: Buffer;
  try {
    const read = readBounded(file.absPath, MAX_FILE_BYTES);
    if ('skipped' in read) return NONE;
    bytes = read.bytes;
  } catch {
    return NONE;
  }
  if (bytes.includes(0)) return NONE;
  const text = bytes.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  return objectsOf({ path: file.path, absPath: file.absPath, text: bom ? text.slice(1) : text, bom });
}

/** Only Services, Ingresses and routes get a tree, as --context reads them. */
function objectsOf(source: SourceFile): RoutingObjects {
  return routingObjects(buildModel([parseFile(source, false, holdsRoutingObject)]));
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
