import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import type { RuleSettings } from '../src/engine.js';
import { fixAll } from '../src/fix.js';
import { defineRule, type AnyRule } from '../src/rule.js';
import { run, type RunResult } from '../src/run.js';
import { FIXTURES, REPO, findingLines, tempDir, tempTree, TOOLS, HAS_HELM, HAS_KUBECTL } from './helpers.js';

const hasTools = HAS_HELM && HAS_KUBECTL;

// Fixtures are linted as on a machine without helm and kubectl, so their goldens do not depend on what this one
// has installed: a chart or overlay among them is reported by render-failed. Examples that need the real tools
// (docs.exampleFile) put them on PATH for their own test.
const savedPath = process.env.PATH;
beforeAll(() => {
  process.env.PATH = tempDir();
  const helmHome = tempDir();
  for (const dir of ['CACHE', 'CONFIG', 'DATA']) process.env[`HELM_${dir}_HOME`] = path.join(helmHome, dir.toLowerCase());
});
afterAll(() => {
  process.env.PATH = savedPath;
});

/** A case's name without its extension: `<stem>.out` and `<stem>.fixed.yaml` sit beside it. A directory (a chart, an overlay) is a case too. */
function stem(name: string): string {
  return name.replace(/\.(ya?ml|json)$/, '');
}

/** Settings that switch every rule off but the one under test. */
function onlyRule(rule: AnyRule): Map<string, RuleSettings> {
  return new Map(RULES.map((r) => [r.id, { severity: r.id === rule.id ? (rule.severity === 'off' ? 'warning' : rule.severity) : 'off' }]));
}

/** Lints with every rule, the one under test switched on, and keeps its findings only. */
async function lintRule(rule: AnyRule, paths: string[], cwd: string): Promise<RunResult> {
  const settings = new Map(rule.severity === 'off' ? [[rule.id, { severity: 'warning' as const }]] : []);
  const result = await run({ paths, cwd, settings });
  return { ...result, findings: result.findings.filter((f) => f.ruleId === rule.id) };
}

/**
 * Fixes one fixture with one rule and holds the outcome to what sits beside it:
 * `<case>.fixed.yaml` when a fix applies, and `<case>.refused`, holding the expected
 * reason, when a fix is refused because it would break the file or change more than
 * it claims. An undeclared refusal is a bug, not a case with nothing to fix.
 */
async function fixesAsGolden(rule: AnyRule, dir: string, name: string, rules?: readonly AnyRule[]): Promise<void> {
  const options = { paths: [name], cwd: dir, settings: onlyRule(rule), ...(rules ? { rules } : {}) };
  const outcome = await fixAll(options, true);
  const golden = path.join(dir, `${stem(name)}.fixed.yaml`);
  const declared = path.join(dir, `${stem(name)}.refused`);
  const expectedReason = fs.existsSync(declared) ? fs.readFileSync(declared, 'utf8').trim() : null;
  if (expectedReason === null) {
    expect(outcome.refused, `a fix was refused; if that is right, write the reason into ${path.basename(declared)}`).toEqual([]);
  } else {
    expect(expectedReason, `${path.basename(declared)} names the expected reason`).not.toBe('');
    expect(outcome.refused.length, `${path.basename(declared)} expects a refused fix`).toBeGreaterThan(0);
    for (const { reason } of outcome.refused) expect(reason).toContain(expectedReason);
  }
  const [fixed] = outcome.files;
  if (rule.fixable === 'none' || !fixed) {
    expect(outcome.files, 'a rule without fixes changes nothing').toEqual([]);
    expect(fs.existsSync(golden), `${golden} has no fix to show`).toBe(false);
    return;
  }
  await expect((fixed.bom ? '\uFEFF' : '') + fixed.after).toMatchFileSnapshot(golden);
  // Nothing applicable of this rule is left, and a second run changes nothing.
  const again = await fixAll({ ...options, overrides: new Map([[fixed.absPath, fixed.after]]) }, true);
  expect(again.files).toEqual([]);
  expect(again.result.findings.filter((f) => f.ruleId === rule.id && f.fix)).toEqual([]);
}

describe('the fix harness', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n  containers:\n    - name: api\n      image: example/api:1.0\n';
  // Claims to set timeoutSeconds and overwrites the image instead.
  const rogue = (text: string): AnyRule =>
    defineRule({
      id: 'rogue',
      severity: 'warning',
      fixable: 'safe',
      options: {},
      docs: { summary: '', why: '', fix: '', failing: '', passing: '' },
      checkContainer(container, ctx) {
        const image = container.node.entries.find((e) => e.key === 'image')!;
        ctx.report({
          span: container.span,
          message: 'rogue',
          fix: { description: 'set timeoutSeconds', safe: true, edit: { edits: [{ offset: image.value!.span.start, length: 7, text }], changes: [{ map: container.node, key: 'timeoutSeconds' }] } },
        });
      },
    });

  it('fails a fixture whose fix is refused when it does not declare the refusal', async () => {
    const breaking = rogue('[broken');
    const root = tempTree({ 'pod.yaml': pod });
    await expect(fixesAsGolden(breaking, root, 'pod.yaml', [breaking])).rejects.toThrow(/a fix was refused/);
  });

  it('passes it when <case>.refused gives the reason, and fails it when the reason differs', async () => {
    const breaking = rogue('[broken');
    await expect(fixesAsGolden(breaking, tempTree({ 'pod.yaml': pod, 'pod.refused': 'would break it\n' }), 'pod.yaml', [breaking])).resolves.toBeUndefined();
    const widening = rogue('other');
    await expect(fixesAsGolden(widening, tempTree({ 'pod.yaml': pod, 'pod.refused': 'would break it\n' }), 'pod.yaml', [widening])).rejects.toThrow(/to contain 'would break it'/);
  });
});

describe('rule index', () => {
  it('lists exactly the rule files, each under its own id', async () => {
    const files = fs
      .readdirSync(path.join(REPO, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(RULES.map((r) => r.id).sort()).toEqual(files);
    for (const id of files) {
      const module = (await import(pathToFileURL(path.join(REPO, 'rules', `${id}.ts`)).href)) as { default: { id: string } };
      expect(module.default.id).toBe(id);
    }
  });
});

for (const rule of RULES) {
  describe(rule.id, () => {
    const dir = path.join(FIXTURES, rule.id);
    const cases = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() || /\.(ya?ml|json)$/.test(e.name)).map((e) => e.name).sort() : [];

    it('has failing and passing fixtures', async () => {
      const outcomes = await Promise.all(cases.map(async (name) => (await lintRule(rule, [name], dir)).findings.length > 0));
      expect(outcomes, 'a fixture that reports').toContain(true);
      expect(outcomes, 'a fixture that reports nothing').toContain(false);
    });

    for (const name of cases) {
      it(`matches the golden output of ${name}`, async () => {
        const result = await lintRule(rule, [name], dir);
        const golden = path.join(dir, `${stem(name)}.out`);
        await expect(findingLines(result) + '\n').toMatchFileSnapshot(golden);
      });
    }

    for (const name of cases) {
      it(`fixes ${name} as its golden shows, once and for all`, () => fixesAsGolden(rule, dir, name));
    }

    const exampleFile = rule.docs.exampleFile;
    it.skipIf(exampleFile !== undefined && !hasTools)('reports on the failing example of its docs and not on the passing one', async () => {
      // An example that is a chart's or overlay's own file is linted as its directory, rendered by the real tools.
      const [failingName, passingName] = exampleFile ? [`failing/${exampleFile}`, `passing/${exampleFile}`] : ['failing.yaml', 'passing.yaml'];
      const root = tempTree({ [failingName]: rule.docs.failing, [passingName]: rule.docs.passing });
      const paths = exampleFile ? ['failing', 'passing'] : [failingName, passingName];
      if (exampleFile) process.env.PATH = `${TOOLS}${path.delimiter}${savedPath}`;
      try {
        const failing = await lintRule(rule, [paths[0]!], root);
        const passing = await lintRule(rule, [paths[1]!], root);
        expect(failing.findings.length).toBeGreaterThan(0);
        expect(findingLines(passing)).toBe('');
      } finally {
        process.env.PATH = tempDir();
      }
    });
  });
}
