// The #12 check over ../shared/corpus/helm (or a directory of charts passed), with helm on PATH: each chart
// linted with its own values, then with two value sets (its values.yaml, and an `alt` file that sets the first
// probe number of values.yaml to 1). Prints, per chart, where findings point and which sets they name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { freshBundles } from './bundle.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.argv[2] ?? path.join(repo, '..', 'shared', 'corpus', 'helm'));
if (!fs.existsSync(corpus)) {
  console.error(`no charts at ${corpus}`);
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-value-sets-'));
const cli = (await freshBundles(path.join(work, 'bundles'))).cli;
const env = { ...process.env, PATH: `${path.join(repo, '.tools', 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, HELM_CACHE_HOME: work, HELM_CONFIG_HOME: work, HELM_DATA_HOME: work };
const lint = (args) => JSON.parse(spawnSync(process.execPath, [cli, '-f', 'json', ...args], { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout).findings;

/** The key path of the first probe number (timeoutSeconds, periodSeconds, failureThreshold under a *probe* key). */
function probeKey(node, at = []) {
  if (!node || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    const here = [...at, key];
    if (typeof value === 'number' && /^(timeoutSeconds|periodSeconds|failureThreshold)$/.test(key) && at.some((p) => /probe/i.test(p))) return here;
    const deeper = probeKey(value, here);
    if (deeper) return deeper;
  }
  return null;
}

const onLine = (f) => {
  if (!f.source?.line) return false;
  const lines = fs.readFileSync(path.join(work, f.source.file), 'utf8').split('\n');
  return f.source.line <= lines.length && lines[f.source.line - 1].trim() !== '';
};

for (const chart of fs.readdirSync(corpus).sort()) {
  fs.cpSync(path.join(corpus, chart), path.join(work, chart), { recursive: true });
  const own = lint([chart]);
  const ownLine = `own values: ${own.length} findings, ${own.filter(onLine).length} at an existing template line, ${own.filter((f) => f.source?.values).length} with a values key, ${own.filter((f) => f.fix).length} with a fix`;
  const key = probeKey(YAML.parse(fs.readFileSync(path.join(work, chart, 'values.yaml'), 'utf8')));
  if (!key) {
    console.log(`${chart}: ${ownLine}; no probe number in values.yaml for a second set`);
    continue;
  }
  const alt = {};
  let at = alt;
  for (const part of key.slice(0, -1)) at = at[part] = {};
  at[key.at(-1)] = 1;
  fs.writeFileSync(path.join(work, chart, 'values-alt.yaml'), YAML.stringify(alt));
  const both = lint(['--helm-values-set', `own=${chart}/values.yaml`, '--helm-values-set', `alt=${chart}/values-alt.yaml`, chart]);
  const only = (name) => both.filter((f) => f.valueSets?.length === 1 && f.valueSets[0] === name).length;
  console.log(
    `${chart}: ${ownLine}; sets own+alt (${key.join('.')}: 1): ${both.length} findings, ${both.filter((f) => f.valueSets).length} naming their sets, ` +
      `${both.filter((f) => f.valueSets?.length === 2).length} in both, ${only('own')} only own, ${only('alt')} only alt, ${both.filter(onLine).length} at an existing template line`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
