// A workspace folder as the server sees it: the configs that apply in it
// (loaded again when a config file changes) and its routing index.
import { RULES } from '../../rules/index.js';
import { ConfigError, type ConfigResolver } from '../config.js';
import type { Notice } from '../inputs.js';
import { configResolver } from '../run.js';
import type { LintSettings } from './lint-sources.js';
import { createRoutingIndex, type RoutingIndex } from './routing-index.js';

export interface Workspace {
  folder: string;
  index: RoutingIndex;
  /** The settings to lint with; throws ConfigError when a config is broken. */
  settings(): LintSettings;
  /** Forgets every config read, so that the next lint reads them again. */
  reloadConfig(): void;
}

export interface WorkspaceOptions {
  /** Routing objects of the index changed: open documents should be linted again. */
  changed(): void;
  notice(notice: Notice): void;
}

export function createWorkspace(folder: string, options: WorkspaceOptions): Workspace {
  let configs: ConfigResolver | null = null;
  const resolver = (): ConfigResolver => (configs ??= configResolver({ cwd: folder }, RULES));
  const index = createRoutingIndex({
    folder,
    configFor: (dir) => resolver().forDir(dir),
    changed: options.changed,
    notice: options.notice,
  });
  return {
    folder,
    index,
    settings: () => ({ folder, configs: resolver() }),
    reloadConfig: () => {
      configs = null;
    },
  };
}

/** A broken config or suppressions file in words: what the CLI would exit 2 with. */
export function settingsProblem(error: unknown): string | null {
  return error instanceof ConfigError ? `probe-lint: ${error.message}` : null;
}
