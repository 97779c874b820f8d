// Suppressions: `# probe-lint-disable-next-line ids -- reason`,
// `# probe-lint-disable ids` (rest of the file) and the `probe-lint.dev/ignore`
// annotation on an object or its pod template. Those that suppress nothing are
// reported, so stale ones get cleaned up.
import { suggest } from './config.js';
import { IGNORE_ANNOTATION } from './build-model.js';
import { byLocation, ruleSettingsFor, toFinding, type FileSettings } from './engine.js';
import type { K8sObject, Model } from './model.js';
import { commentsOf, type ParsedFile } from './parse.js';
import type { AnyRule, Finding } from './rule.js';
import { positionOf, type SourceFile } from './source.js';
import type { Span } from './tree.js';

const UNUSED_SUPPRESSION = 'unused-suppression';

interface Directive {
  scope: 'next-line' | 'file' | 'object';
  /** Rule ids; empty means every rule. */
  rules: string[];
  file: SourceFile;
  line: number;
  span: Span;
  owner: K8sObject | null;
  used: Set<string>;
}

const COMMENT = /^#\s*probe-lint-(disable-next-line|disable)(?=\s|$)(.*)$/;

/** "a, b -- because" → ids and the reason after ` -- `. */
function parseList(text: string): { rules: string[]; reason: string | null } {
  const at = text.indexOf(' -- ');
  const list = at === -1 ? text : text.slice(0, at);
  return { rules: list.split(/[\s,]+/).filter(Boolean), reason: at === -1 ? null : text.slice(at + 4).trim() };
}

function directives(files: readonly ParsedFile[], model: Model): Directive[] {
  const found: Directive[] = [];
  for (const { file } of files) {
    // Lexing costs a parse; only files that mention a directive pay it.
    if (!file.text.includes('probe-lint-disable')) continue;
    for (const comment of commentsOf(file.text)) {
      const match = COMMENT.exec(comment.text.trimEnd());
      if (!match) continue;
      const span = { start: comment.start, end: comment.start + comment.text.trimEnd().length };
      found.push({
        scope: match[1] === 'disable' ? 'file' : 'next-line',
        rules: parseList(match[2]!).rules,
        file,
        line: positionOf(file, comment.start).line,
        span,
        owner: null,
        used: new Set(),
      });
    }
  }
  for (const object of model.objects) {
    for (const annotation of object.ignoreAnnotations) {
      found.push({
        scope: 'object',
        rules: parseList(annotation.value).rules,
        file: object.file,
        line: positionOf(object.file, annotation.span.start).line,
        span: annotation.span,
        owner: object,
        used: new Set(),
      });
    }
  }
  return found;
}

function covers(directive: Directive, finding: Finding, line: () => number): boolean {
  if (directive.rules.length > 0 && !directive.rules.includes(finding.ruleId)) return false;
  switch (directive.scope) {
    case 'object':
      return finding.owner === directive.owner;
    case 'next-line':
      return finding.file === directive.file && line() === directive.line + 1;
    case 'file':
      return finding.file === directive.file && line() > directive.line;
  }
}

export interface SuppressInput {
  findings: Finding[];
  files: readonly ParsedFile[];
  model: Model;
  rules: readonly AnyRule[];
  settingsFor(file: SourceFile): FileSettings;
}

export interface Suppressed {
  findings: Finding[];
  suppressed: number;
}

export function suppress(input: SuppressInput): Suppressed {
  const all = directives(input.files, input.model);
  if (all.length === 0) return { findings: input.findings, suppressed: 0 };
  const kept: Finding[] = [];
  for (const finding of input.findings) {
    let line: number | undefined;
    const lineOf = (): number => (line ??= positionOf(finding.file, finding.span.start).line);
    const matching = all.filter((d) => covers(d, finding, lineOf));
    for (const d of matching) d.used.add(finding.ruleId);
    if (matching.length === 0) kept.push(finding);
  }
  return { findings: [...kept, ...unused(all, input)].sort(byLocation), suppressed: input.findings.length - kept.length };
}

function unused(all: Directive[], input: SuppressInput): Finding[] {
  const rule = input.rules.find((r) => r.id === UNUSED_SUPPRESSION);
  if (!rule) return [];
  const ids = input.rules.map((r) => r.id);
  const findings: Finding[] = [];
  for (const d of all) {
    // The directive's own file decides, as for any finding (SPEC §6: the nearest config applies).
    const settings = input.settingsFor(d.file);
    const own = ruleSettingsFor(rule, settings);
    if (!own) continue;
    const enabled = (id: string): boolean => {
      const r = input.rules.find((x) => x.id === id);
      return r !== undefined && ruleSettingsFor(r, settings) !== null;
    };
    const what = d.scope === 'object' ? `annotation ${IGNORE_ANNOTATION}` : d.scope === 'file' ? 'probe-lint-disable comment' : 'probe-lint-disable-next-line comment';
    const problems: string[] = [];
    if (d.rules.length === 0 && d.used.size === 0) problems.push('it suppresses nothing');
    for (const id of d.rules) {
      if (!ids.includes(id)) {
        const guess = suggest(id, ids);
        problems.push(`"${id}" is not a rule${guess ? ` (${guess.replace(/^; /, '')})` : ''}`);
      }
      else if (enabled(id) && !d.used.has(id)) problems.push(`"${id}" reports nothing here`);
    }
    if (problems.length === 0) continue;
    const subject = { file: d.file, owner: d.owner, container: null, generatedFrom: d.owner?.document.generatedFrom ?? null };
    findings.push(toFinding(rule, own.configured, subject, { span: d.span, message: `unused ${what}: ${problems.join('; ')}` }));
  }
  return findings;
}
