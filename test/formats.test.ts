// SARIF for code scanning and GitHub workflow commands.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, REPO, cli, tempTree } from './helpers.js';
import { githubValidatorErrors, MULTITOOL, SARIF_SCHEMA, sarifSchemaValidator } from './sarif-check.js';

const GOLDEN = path.join(import.meta.dirname, 'golden');

function sarif(args: string[], cwd = REPO): { log: any; text: string } {
  const result = cli(['-f', 'sarif', ...args], { cwd });
  return { log: JSON.parse(result.stdout), text: result.stdout };
}


describe('--format sarif', () => {
  const { log, text } = sarif(['samples/']);

  it('matches its golden', async () => {
    log.runs[0].tool.driver.version = '<version>';
    log.runs[0].tool.driver.semanticVersion = '<version>';
    await expect(JSON.stringify(log, null, 2) + '\n').toMatchFileSnapshot(path.join(GOLDEN, 'samples.sarif'));
  });

  it.skipIf(!fs.existsSync(SARIF_SCHEMA))('passes the official SARIF 2.1.0 schema', () => {
    const validate = sarifSchemaValidator();
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
  });

  it.skipIf(!fs.existsSync(MULTITOOL))("passes Microsoft's validator with GitHub's rules", () => {
    expect(githubValidatorErrors(text)).toEqual([]);
  });

  it('describes every rule and points results at real regions with repository-relative paths', () => {
    const run = log.runs[0];
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.markdown).toContain(`# ${rule.id}`);
      expect(rule.helpUri).toMatch(new RegExp(`/rules/${rule.id}\\.md$`));
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.automationDetails.id).toBe('probe-lint/');
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      const location = result.locations[0].physicalLocation;
      expect(location.artifactLocation.uri).toMatch(/^samples\/[\w-]+\.yaml$/);
      expect(location.region.startLine).toBeGreaterThan(1);
    }
    const timeout = run.results.find((r: any) => r.ruleId === 'probe-timeout-short');
    expect(timeout.locations[0].physicalLocation.region).toEqual({ startLine: 31, startColumn: 13, endLine: 31, endColumn: 30 });
    expect(timeout.fixes[0].artifactChanges[0].replacements[0]).toEqual({ deletedRegion: { charOffset: 716, charLength: 1 }, insertedContent: { text: '5' } });
  });

  it('paths are relative to the repository top, wherever it runs from', () => {
    const inner = sarif(['incident-api.yaml'], path.join(REPO, 'samples')).log;
    expect(inner.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('samples/incident-api.yaml');
  });

  it('keeps fingerprints when lines move', () => {
    const original = fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8');
    const root = tempTree({ 'a.yaml': original });
    const moved = tempTree({ 'a.yaml': `# a new comment\n# and another\n\n${original}` });
    const prints = (dir: string): string[] => sarif(['a.yaml'], dir).log.runs[0].results.map((r: any) => r.partialFingerprints['probeLint/v1']);
    const lines = (dir: string): number[] => sarif(['a.yaml'], dir).log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.region.startLine);
    expect(prints(moved)).toEqual(prints(root));
    expect(lines(moved)).not.toEqual(lines(root));
    expect(new Set(prints(root)).size).toBe(prints(root).length);
  });

  it('has an empty results array on a clean run', () => {
    const clean = sarif(['samples/incident-api-fixed.yaml']).log;
    expect(clean.runs[0].results).toEqual([]);
  });

  it.skipIf(!fs.existsSync(CORPUS) || !fs.existsSync(MULTITOOL))('passes the validator on the whole corpus', () => {
    const { text: corpusText, log: corpusLog } = sarif(['corpus'], path.dirname(CORPUS));
    expect(corpusLog.runs[0].results.length).toBeGreaterThan(1000);
    expect(githubValidatorErrors(corpusText)).toEqual([]);
    console.log(`corpus SARIF: ${corpusLog.runs[0].results.length} results, ${(corpusText.length / 1e6).toFixed(1)} MB, 0 validator errors`);
  }, 120_000);
});

describe('--format github', () => {
  it('writes one escaped workflow command per finding', async () => {
    const result = cli(['-f', 'github', 'samples/']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) file=samples\/[\w-]+\.yaml,line=\d+,col=\d+,endLine=\d+,(endColumn=\d+,)?title=probe-lint [\w-]+::/);
    await expect(result.stdout).toMatchFileSnapshot(path.join(GOLDEN, 'samples.github.txt'));
  });

  it('escapes what would end a property or a command', () => {
    const root = tempTree({ 'odd, name: x.yaml': fs.readFileSync(path.join(REPO, 'samples', 'storefront.yaml'), 'utf8') });
    const result = cli(['-f', 'github', '.'], { cwd: root });
    expect(result.stdout).toContain('file=odd%2C name%3A x.yaml,');
    expect(result.stdout.trimEnd().split('\n').every((l) => l.startsWith('::'))).toBe(true);
  });
});

describe('--format compact', () => {
  it('matches its golden', async () => {
    await expect(cli(['-f', 'compact', 'samples/']).stdout).toMatchFileSnapshot(path.join(GOLDEN, 'samples.compact.txt'));
  });
});
