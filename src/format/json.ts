import { itemsSlot, jsonPieces } from './json-pieces.js';
import { reportedPlace, type Report } from './report.js';

/** The JSON report of SPEC §5: fields may be added, never renamed. */
export function formatJson(report: Report): string {
  return [...jsonChunks(report)].join('');
}

/**
 * The JSON report as pieces whose concatenation is formatJson's text, one finding at a time (json-pieces.ts).
 */
export function jsonChunks(report: Report): Generator<string> {
  const body = {
    version: 1,
    tool: { name: 'probe-lint', version: report.version },
    findings: itemsSlot(report.findings.length),
    notices: report.notices,
    summary: report.summary,
  };
  return jsonPieces(body, report.findings, jsonFinding);
}

function jsonFinding(located: Report['findings'][number]) {
  const { finding } = located;
  return {
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      ...reportedPlace(located),
      object: finding.object
        ? { apiVersion: finding.object.apiVersion, kind: finding.object.kind, namespace: finding.object.namespace, name: finding.object.name }
        : null,
      container: finding.container,
      probe: finding.probe,
      source: finding.source
        ? { file: finding.source.file, line: finding.source.line, ...(finding.source.values ? { values: finding.source.values } : {}) }
        : null,
      rendered: finding.file.rendered ? { from: finding.file.path, line: located.line } : null,
      overlays: finding.variants?.field === 'overlays' ? finding.variants.names : null,
      ...(finding.variants?.field === 'valueSets' ? { valueSets: finding.variants.names, notInValueSets: finding.variants.missing } : {}),
      fix: finding.fix
        ? {
            description: finding.fix.description,
            safe: finding.fix.safe,
            edits: finding.fix.edits.map((e) => ({ file: (finding.fix!.target ?? finding.file).path, offset: e.offset, length: e.length, text: e.text })),
          }
        : null,
  };
}
