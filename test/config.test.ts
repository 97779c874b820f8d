import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { configSchema } from '../src/config-schema.js';
import { parseFile } from '../src/parse.js';
import { ruleMarkdown } from '../src/rule-docs.js';
import { run } from '../src/run.js';
import { REPO, cli, tempTree } from './helpers.js';

const CONFIGS = path.join(REPO, 'test', 'configs');
const examples = (kind: string): string[] => fs.readdirSync(path.join(CONFIGS, kind)).map((f) => path.join(CONFIGS, kind, f));

/** A config file as plain data, the way a JSON Schema validator sees it. */
function configData(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  const root = parseFile({ path: file, absPath: file, text, bom: false }, true).documents[0]?.root ?? null;
  const plain = (node: typeof root): unknown => {
    if (!node) return null;
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'seq') return node.items.map(plain);
    return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
  };
  return root ? plain(root) : {};
}

describe('generated files', () => {
  it('rules/<id>.md match the rules (npm run generate rewrites them)', () => {
    for (const rule of RULES) {
      const file = path.join(REPO, 'rules', `${rule.id}.md`);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fs.readFileSync(file, 'utf8'), `${file} is stale: run npm run generate`).toBe(ruleMarkdown(rule));
    }
  });

  it('probe-lint.schema.json matches the rules (npm run generate rewrites it)', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(REPO, 'probe-lint.schema.json'), 'utf8'));
    expect(shipped, 'probe-lint.schema.json is stale: run npm run generate').toEqual(configSchema(RULES));
  });
});

describe('config files', () => {
  const ajv = new Ajv({ allErrors: true, formats: { regex: (s: string) => { try { new RegExp(s); return true; } catch { return false; } } } });
  const validate = ajv.compile(configSchema(RULES));

  for (const file of examples('valid')) {
    it(`accepts ${path.basename(file)}, as does the schema`, () => {
      expect(() => loadConfig(file, RULES)).not.toThrow();
      expect(validate(configData(file)), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  for (const file of examples('invalid')) {
    it(`rejects ${path.basename(file)} with its key path and line, as does the schema`, () => {
      expect(() => loadConfig(file, RULES, path.basename(file))).toThrow(ConfigError);
      expect(validate(configData(file))).toBe(false);
    });
  }

  it('says where and suggests what was meant', () => {
    const message = (name: string): string => {
      try {
        loadConfig(path.join(CONFIGS, 'invalid', name), RULES, name);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(message('unknown-rule.yaml')).toBe('unknown-rule.yaml:2: rules.probe-timout-short: unknown rule; did you mean "probe-timeout-short"?');
    expect(message('unknown-option.yaml')).toBe('unknown-option.yaml:2: rules.probe-timeout-short.minSecond: unknown option; did you mean "minSeconds"?');
    expect(message('unknown-top-key.yaml')).toBe('unknown-top-key.yaml:1: ignores: unknown key; did you mean "ignore"?');
    expect(message('unquoted-version.yaml')).toContain('kubernetesVersion: must be a quoted string such as "1.30"');
    expect(message('bad-option-value.yaml')).toBe('bad-option-value.yaml:3: rules.probe-failure-window-short.readinessMinSeconds: must be a whole number of seconds ≥ 1, not "20"');
    expect(message('options-on-optionless-rule.yaml')).toContain('(prestop-hook-missing has no options)');
  });

  it('is found upwards from the working directory and changes what is reported', async () => {
    const root = tempTree({
      '.probe-lint.yml': 'rules:\n  probe-timeout-short: { severity: error, minSeconds: 2 }\n  prestop-hook-missing: off\nignore: ["legacy/"]\n',
      'k8s/app/api.yaml': fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8'),
      'k8s/legacy/old.yaml': fs.readFileSync(path.join(REPO, 'samples', 'storefront.yaml'), 'utf8'),
    });
    const result = await run({ paths: ['.'], cwd: path.join(root, 'k8s') });
    const ids = result.findings.map((f) => `${f.ruleId}:${f.severity}`);
    expect(ids).not.toContain('prestop-hook-missing:warning');
    // Only the liveness probe (1s) is under 2s now; the readiness one (2s) passes.
    expect(ids.filter((id) => id.startsWith('probe-timeout-short'))).toEqual(['probe-timeout-short:error']);
    expect(result.findings.every((f) => !f.file.path.startsWith('legacy/'))).toBe(true);
  });

  it('takes --config, --rule and --kube-version on the command line, and exits 2 on a bad config', () => {
    const root = tempTree({
      'custom.json': '{"rules": {"readiness-probe-missing": "off"}}',
      'broken.yaml': 'rules: [',
      'app.yaml': fs.readFileSync(path.join(REPO, 'samples', 'storefront.yaml'), 'utf8'),
    });
    expect(cli(['app.yaml'], { cwd: root }).status).toBe(1);
    expect(cli(['--config', 'custom.json', 'app.yaml'], { cwd: root }).status).toBe(0);
    expect(cli(['--rule', 'readiness-probe-missing=warning', 'app.yaml'], { cwd: root }).status).toBe(0);
    expect(cli(['--rule', 'prestop-hook-missing=error', '--config', 'custom.json', 'app.yaml'], { cwd: root }).status).toBe(1);
    const old = cli(['--kube-version', '1.28', '-f', 'json', 'app.yaml'], { cwd: root }).stdout;
    expect(JSON.parse(old).findings.find((f: { ruleId: string }) => f.ruleId === 'prestop-hook-missing').message).toContain('exec: {command: [sleep, "5"]}');
    const broken = cli(['--config', 'broken.yaml', 'app.yaml'], { cwd: root });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^probe-lint: broken\.yaml:1:\d+: cannot parse config/);
    expect(cli(['--kube-version', 'latest', 'app.yaml'], { cwd: root }).status).toBe(2);
  });
});
