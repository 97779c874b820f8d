// One lint of what the editor shows, through run()'s own steps but without its
// walk: parse, model, routing (the texts' own objects with the workspace's
// Services, Ingresses and routes from other files beside them), rules,
// suppression comments and annotations, the suppressions file. What
// `probe-lint --context <folder> FILE` reports for the same text.
import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { buildModel } from '../build-model.js';
import type { Config, ConfigResolver } from '../config.js';
import { lint, type FileSettings } from '../engine.js';
import type { Model } from '../model.js';
import { parseFile } from '../parse.js';
import { mergeRenders } from '../rendered-findings.js';
import { sendHome, settle } from '../renderers/index.js';
import type { Finding } from '../rule.js';
import { withContext, type RoutingContext } from '../routing-context.js';
import { buildRouting, type Routing } from '../routing.js';
import type { SourceFile } from '../source.js';
import { suppress } from '../suppress.js';
import { applyBaseline } from '../suppressions-file.js';

export interface LintSettings {
  /** The workspace folder: what the CLI would run in, with `--context` on it. */
  folder: string;
  configs: ConfigResolver;
}

export interface LintedSources {
  model: Model;
  /** Routing as the rules saw it, for hovers. */
  routing: Routing;
  findings: Finding[];
}

/** Lints texts (an editor's document, or a chart's rendered streams) with the routing objects of the rest of the workspace. */
export async function lintSources(sources: SourceFile[], settings: LintSettings, context: RoutingContext): Promise<LintedSources> {
  const parsed = settle(sources.map((source) => parseFile(source)), settings.folder);
  const model = buildModel(parsed);
  const routing = buildRouting(withContext(model, context));
  const settingsFor = fileSettings(settings);
  const linted = lint({ files: parsed, model, routing, rules: RULES, settingsFor });
  const { findings: kept } = suppress({ findings: linted, files: parsed, model, rules: RULES, settingsFor });
  // The suppressions file is looked up from the folder, as for a run with `--context <folder>`; read each time, so an edit to it counts at once.
  const baseline = await applyBaseline({
    cwd: settings.folder,
    findings: mergeRenders(sendHome(kept, settings.folder), sources),
    sources,
    roots: [settings.folder],
    rules: RULES,
  });
  return { model, routing, findings: baseline.findings };
}

/** Each file's settings from the config that applies to its directory (a rendered stream's: its chart's). */
function fileSettings({ folder, configs }: LintSettings): (file: SourceFile) => FileSettings {
  const made = new Map<Config, FileSettings>();
  return (file) => {
    const dir = file.rendered ? file.rendered.dir : file.absPath === null ? folder : path.dirname(file.absPath);
    const config = configs.forDir(dir);
    let settings = made.get(config);
    if (!settings) made.set(config, (settings = { rules: config.rules, kubernetesVersion: config.kubernetesVersion }));
    return settings;
  };
}
