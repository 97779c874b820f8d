// Robustness over ~5,000 real manifests and 6 Helm charts (../shared/corpus).
// Read-only: nothing here writes to the corpus.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, cli, withoutTools } from './helpers.js';

const present = fs.existsSync(CORPUS);
if (!present) console.warn(`skipping corpus tests: ${CORPUS} is absent (it sits beside this repository in CI)`);

describe.skipIf(!present)('the shared corpus', () => {
  it('lints every file without a crash, parses as JSON, never calls a chart template broken YAML, and keeps its per-rule counts', async () => {
    const result = cli(['--format', 'json', 'corpus'], { cwd: path.dirname(CORPUS), env: withoutTools() });
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    const charts = fs.readdirSync(path.join(CORPUS, 'helm'));
    const helmNotices = report.notices.filter((n: { message: string }) => n.message.includes('helm is not on PATH'));
    expect(helmNotices.map((n: { file: string }) => n.file).sort()).toEqual(charts.map((c) => `corpus/helm/${c}`).sort());
    // A chart not rendered is one render-failed finding on its Chart.yaml, and nothing else.
    const onCharts = report.findings.filter((f: { file: string }) => f.file.startsWith('corpus/helm/'));
    expect(onCharts.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`).sort()).toEqual(charts.map((c) => `corpus/helm/${c}/Chart.yaml render-failed`).sort());
    // The corpus was chosen so that every file parses.
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'invalid-yaml')).toEqual([]);
    expect(report.summary.files).toBeGreaterThan(2500);
    expect(report.summary.documents).toBeGreaterThan(4900);
    expect(report.summary.containers).toBeGreaterThan(1400);
    for (const finding of report.findings) {
      expect(finding.line).toBeGreaterThan(0);
      // render-failed is about a chart or overlay, not an object.
      if (finding.ruleId !== 'render-failed') expect(finding.object).not.toBeNull();
    }
    // Per-rule counts are pinned: a rule that stops firing, or starts firing everywhere, fails here
    // until the change is reviewed and the golden updated (vitest -u).
    const counts: Record<string, number> = {};
    for (const { ruleId, severity } of report.findings) counts[`${ruleId} ${severity}`] = (counts[`${ruleId} ${severity}`] ?? 0) + 1;
    const pinned = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(Object.keys(pinned).length).toBeGreaterThan(10);
    await expect(JSON.stringify(pinned, null, 2) + '\n').toMatchFileSnapshot(path.join(import.meta.dirname, 'golden', 'corpus-counts.json'));
  });

});
