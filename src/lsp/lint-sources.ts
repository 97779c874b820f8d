// One lint of what the editor shows, through run()'s own steps but without its
// walk: parse, model, routing (the texts' own objects with the workspace's
// Services, Ingresses and routes from other files beside them), rules,
// suppression comments and annotations, the suppressions file. What
// `probe-lint --context <folder> FILE` reports for the same text.
import { RULES } from '../../rules/index.js';
import { buildModel } from '../build-model.js';
import type { ConfigResolver } from '../config.js';
import { lint } from '../engine.js';
import type { Model } from '../model.js';
import { parseFile, type ParsedFile } from '../parse.js';
import { mergeRenders } from '../rendered-findings.js';
import { sendHome, settle } from '../renderers/index.js';
import type { Finding } from '../rule.js';
import type { RoutingContext } from '../routing-context.js';
import { joinRoutingObjects } from '../routing-objects.js';
import { buildRouting, type Routing } from '../routing.js';
import { fileSettings } from '../run.js';
import type { SourceFile } from '../source.js';
import { suppress } from '../suppress.js';
import { applyBaseline, type ReadSuppressions } from '../suppressions-file.js';

export interface LintSettings {
  /** The workspace folder: what the CLI would run in, with `--context` on it. */
  folder: string;
  configs: ConfigResolver;
  /** The suppressions file a run in the folder finds, read once until it changes; throws ConfigError for a broken one. */
  suppressions(): ReadSuppressions | null;
}

export interface LintedSources {
  /** The texts as parsed for the lint: the nodes its fixes name. */
  files: ParsedFile[];
  model: Model;
  /** Routing as the rules saw it, for hovers. */
  routing: Routing;
  findings: Finding[];
}

/** Lints texts (an editor's document, or a chart's rendered streams) with the routing objects of the rest of the workspace. */
export async function lintSources(sources: SourceFile[], settings: LintSettings, context: RoutingContext): Promise<LintedSources> {
  const parsed = settle(sources.map((source) => parseFile(source)), settings.folder);
  const model = buildModel(parsed);
  const routing = buildRouting(joinRoutingObjects([model, context]));
  const settingsFor = fileSettings(settings.configs, { cwd: settings.folder });
  const linted = lint({ files: parsed, model, routing, rules: RULES, settingsFor });
  const { findings: kept } = suppress({ findings: linted, files: parsed, model, rules: RULES, settingsFor });
  // The suppressions file a run with `--context <folder>` finds, as read last; only the entries of these texts are
  // judged (the stale-entry count of a whole walk is the CLI's to report), so nothing else of the disk is looked at.
  const baseline = await applyBaseline({
    cwd: settings.folder,
    findings: mergeRenders(sendHome(kept, settings.folder), sources),
    sources,
    roots: [],
    rules: RULES,
    read: settings.suppressions(),
  });
  return { files: parsed, model, routing, findings: baseline.findings };
}
