// The `yaml` package, loaded the first time a document needs it. js-yaml reads nearly every document
// (fast-tree.ts); `yaml` takes what that leaves (tags, merge keys, errors), configs and suppression comments,
// which a run over a few files seldom meets, and compiling it would be a tenth of such a run's start (SPEC §8:
// one small file in at most twice `node -e 0`). Required, not imported, because the parse that needs it is
// synchronous. The bundles carry it as a file of their own beside them, whose path scripts/bundle.mjs gives as
// PROBE_LINT_YAML; run from the sources, it is the package.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

declare const PROBE_LINT_YAML: string | undefined;

/** A file of probe-lint's own is missing: the install, not probe-lint, is broken (exit 2, no "please report"). */
export class InstallationError extends Error {}

let loaded: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  if (loaded) return loaded;
  const specifier = typeof PROBE_LINT_YAML === 'string' ? PROBE_LINT_YAML : 'yaml';
  try {
    loaded = createRequire(import.meta.url)(specifier) as typeof Yaml;
  } catch (error) {
    // Found only when a document first needs it: say what is missing, not that probe-lint broke.
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new InstallationError(`the installation is incomplete: ${specifier} (the YAML parser, beside probe-lint's own file) is missing; install probe-lint again`);
  }
  return loaded;
}
