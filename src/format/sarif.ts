// SARIF 2.1.0 for GitHub code scanning: every rule with its docs, results at
// repository-relative locations, fingerprints that survive line moves, fixes
// as replacements.
import type * as Sarif from 'sarif';
import { occurrenceFingerprints, relativePath } from '../fingerprint.js';
import type { Notice } from '../inputs.js';
import type { AnyRule, Severity } from '../rule.js';
import { ruleDocsUrl, ruleMarkdown, ruleTitle } from '../rule-docs.js';
import { DOCS_URL } from '../version.js';
import { itemsSlot, jsonPieces } from './json-pieces.js';
import { repositoryLocation, type LocatedFinding, type Report } from './report.js';

export interface SarifOptions {
  rules: readonly AnyRule[];
  /** Paths in the log are relative to this directory (the repository's top), with `/`. */
  root: string;
  /** `runs[].automationDetails.id`, which code scanning uses as the category. */
  category?: string;
  /** The run stopped before linting: the log then says so, with the reason as an error notification. */
  failure?: SarifFailure;
}

export interface SarifFailure {
  message: string;
  /** A bad config or input (a tool configuration notification), not a failure while linting (a tool execution notification). */
  configuration: boolean;
}

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** Only the version, findings and notices are read: a run that failed before linting passes none of the rest. */
export function formatSarif(report: Pick<Report, 'version' | 'findings' | 'notices' | 'stdinPath'>, options: SarifOptions): string {
  return [...sarifChunks(report, options)].join('');
}

/** The SARIF log as pieces whose concatenation is formatSarif's text, one result at a time (json-pieces.ts). */
export function sarifChunks(report: Pick<Report, 'version' | 'findings' | 'notices' | 'stdinPath'>, options: SarifOptions): Generator<string> {
  const index = new Map(options.rules.map((r, i) => [r.id, i]));
  const ids = occurrenceFingerprints(report.findings.map((f) => f.finding), options.root, report.stdinPath);
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'probe-lint',
            version: report.version,
            semanticVersion: report.version,
            informationUri: DOCS_URL,
            rules: options.rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `${options.category ?? 'probe-lint'}/` },
        columnKind: 'utf16CodeUnits',
        invocations: [invocation(report.notices, options.failure)],
        results: itemsSlot(report.findings.length),
      },
    ],
  };
  return jsonPieces(log, report.findings, (f, i) => result(f, index, options.root, ids[i]!, report.stdinPath));
}

function ruleDescriptor(rule: AnyRule): Sarif.ReportingDescriptor {
  const off = rule.severity === 'off';
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: ruleTitle(rule) },
    fullDescription: { text: plainText(rule.docs.summary) },
    helpUri: ruleDocsUrl(rule),
    help: { text: `${plainText(rule.docs.summary)}\n\n${plainText(rule.docs.why)}\n\nHow to fix: ${plainText(rule.docs.fix)}`, markdown: ruleMarkdown(rule) },
    defaultConfiguration: off ? { enabled: false, level: 'warning' } : { level: LEVEL[rule.severity as Severity] },
    properties: { tags: ['kubernetes', 'reliability'], precision: 'high' },
  };
}

function plainText(markdown: string): string {
  return markdown.replace(/`/g, '');
}

/**
 * A `/`-separated relative path as a URI reference (RFC 3986): each segment
 * percent-encoded (spaces, `%`, `#`, `?`, `:`, non-ASCII), the `/` kept, so
 * that `my app#1.yaml` is one file and not a path with a fragment.
 */
function uriReference(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

function relativeUri(root: string, absPath: string): string {
  return uriReference(relativePath(root, absPath));
}

function result(located: LocatedFinding, index: Map<string, number>, root: string, id: string, stdinPath: string | undefined): Sarif.Result {
  const { finding } = located;
  const at = repositoryLocation(located, stdinPath);
  // Stdin is where --stdin-filename says it is, else nowhere on disk.
  const file = at.absPath ? relativePath(root, at.absPath) : 'stdin';
  const physicalLocation: Sarif.PhysicalLocation = {
    artifactLocation: { uri: uriReference(file) },
    region: at.range
      ? { startLine: at.line, startColumn: at.range.column, endLine: at.range.endLine, endColumn: at.range.endColumn }
      : { startLine: at.line },
  };
  const out: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex: index.get(finding.ruleId) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation }],
    partialFingerprints: { primaryLocationLineHash: id, 'probeLint/v1': id },
    // One result stands for the same finding in every overlay that renders this base line.
    ...(finding.variants ? { properties: { [finding.variants.field]: finding.variants.names } } : {}),
  };
  if (finding.fix) {
    out.fixes = [
      {
        description: { text: `${finding.fix.safe ? '' : 'suggestion: '}${finding.fix.description}` },
        artifactChanges: [
          {
            artifactLocation: { uri: finding.fix.target?.absPath ? relativeUri(root, finding.fix.target.absPath) : uriReference(file) },
            replacements: finding.fix.edits.map((e) => ({
              deletedRegion: { charOffset: e.offset, charLength: e.length },
              ...(e.text ? { insertedContent: { text: e.text } } : {}),
            })),
          },
        ],
      },
    ];
  }
  return out;
}

function invocation(notices: readonly Notice[], failure: SarifFailure | undefined): Sarif.Invocation {
  const error: Sarif.Notification[] = failure ? [{ level: 'error', message: { text: failure.message } }] : [];
  const configuration = failure?.configuration === true;
  return {
    executionSuccessful: !failure,
    ...(configuration ? { toolConfigurationNotifications: error } : {}),
    toolExecutionNotifications: [...notices.map(notification), ...(configuration ? [] : error)],
  };
}

function notification(notice: Notice): Sarif.Notification {
  return { level: 'note', message: { text: notice.file ? `${notice.file}: ${notice.message}` : notice.message } };
}
