// A workspace folder as the server sees it: the configs that apply in it and
// its suppressions file (each read again when it changes) and its routing index.
import { RULES } from '../../rules/index.js';
import { ConfigError, type ConfigResolver } from '../config.js';
import type { Notice } from '../inputs.js';
import { configResolver } from '../run.js';
import { readSuppressions, type ReadSuppressions } from '../suppressions-file.js';
import type { LintSettings } from './lint-sources.js';
import { createRoutingIndex, type RoutingIndex } from './routing-index.js';

export interface Workspace {
  folder: string;
  index: RoutingIndex;
  /** The settings to lint with; throws ConfigError when a config is broken. */
  settings(): LintSettings;
  /** Forgets every config read, so that the next lint reads them again. */
  reloadConfig(): void;
  /** Forgets the suppressions file read, so that the next lint reads it again. */
  reloadSuppressions(): void;
}

export interface WorkspaceOptions {
  /** Routing objects of the index changed: open documents should be linted again. */
  changed(): void;
  notice(notice: Notice): void;
}

export function createWorkspace(folder: string, options: WorkspaceOptions): Workspace {
  let configs: ConfigResolver | null = null;
  const resolver = (): ConfigResolver => (configs ??= configResolver({ cwd: folder }, RULES));
  // Read at the first lint that needs it, as `--context <folder>` finds it; a broken one is read again at each lint until mended.
  let suppressions: { file: ReadSuppressions | null } | null = null;
  const suppressionsFile = (): ReadSuppressions | null => (suppressions ??= { file: readSuppressions(folder, folder) }).file;
  const index = createRoutingIndex({
    folder,
    configs: resolver,
    changed: options.changed,
    notice: options.notice,
  });
  return {
    folder,
    index,
    settings: () => ({ folder, configs: resolver(), suppressions: suppressionsFile }),
    reloadConfig: () => {
      configs = null;
    },
    reloadSuppressions: () => {
      suppressions = null;
    },
  };
}

/** A broken config or suppressions file in words: what the CLI would exit 2 with. */
export function settingsProblem(error: unknown): string | null {
  return error instanceof ConfigError ? `probe-lint: ${error.message}` : null;
}
