// node scripts/bench-stages.mjs DIR: one lint of DIR, stage by stage, in a fresh
// process (as the CLI runs: cold JIT, cold module cache), printing the
// milliseconds of each stage as one JSON line. It calls the stage functions
// from dist/ in run()'s order rather than timing run() from inside, so src/
// carries no timing code. Rendering, --context and the suppressions file are
// left out: bench.mjs runs it on plain manifests.
const start = performance.now(); // since the process started: node itself and this script
import path from 'node:path';
const { RULES } = await import('../dist/rules/index.js');
const { buildModel } = await import('../dist/src/build-model.js');
const { lint } = await import('../dist/src/engine.js');
const { formatJson } = await import('../dist/src/format/json.js');
const { toReport } = await import('../dist/src/format/report.js');
const { collectInputs } = await import('../dist/src/inputs.js');
const { parseFile } = await import('../dist/src/parse.js');
const { RENDERERS } = await import('../dist/src/renderers/index.js');
const { buildRouting } = await import('../dist/src/routing.js');
const { configResolver, OWN_FILES } = await import('../dist/src/run.js');
const { suppress } = await import('../dist/src/suppress.js');
const { MAX_FILE_BYTES, readBounded } = await import('../dist/src/tree-files.js');
const { VERSION } = await import('../dist/src/version.js');

const cwd = path.resolve(process.argv[2] ?? '.');
const ms = { start, imports: performance.now() - start };
let mark = performance.now();
const stage = (name, value) => {
  const now = performance.now();
  ms[name] = now - mark;
  mark = now;
  return value;
};

const configs = stage('config', configResolver({ cwd }, RULES));
const configIgnore = (dir) => {
  const config = configs.forDir(dir);
  return { base: config.ignoreBase, patterns: config.ignore };
};
const inputs = stage('walk', await collectInputs(['.'], { cwd, ignore: [], configIgnore, kinds: RENDERERS, skipNames: OWN_FILES }));

// As run()'s readOne: bounded read, strict UTF-8 (lenient on failure), BOM dropped.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const sources = stage(
  'read',
  inputs.files.flatMap((file) => {
    const read = readBounded(file.absPath, MAX_FILE_BYTES);
    if (!('bytes' in read) || read.bytes.includes(0)) return [];
    let text;
    try {
      text = strict.decode(read.bytes);
    } catch {
      text = lenient.decode(read.bytes);
    }
    const bom = text.charCodeAt(0) === 0xfeff;
    return [{ path: file.path, absPath: file.absPath, text: bom ? text.slice(1) : text, bom }];
  }),
);
const parsed = stage('parse', sources.map((source) => parseFile(source)));
const model = stage('model', buildModel(parsed));
const routing = stage('routing', buildRouting(model));
const settings = new Map();
const settingsFor = (file) => {
  const config = configs.forDir(path.dirname(file.absPath));
  if (!settings.has(config)) settings.set(config, { rules: config.rules, kubernetesVersion: config.kubernetesVersion });
  return settings.get(config);
};
const findings = stage('rules', lint({ files: parsed, model, routing, rules: RULES, settingsFor }));
const kept = stage('suppress', suppress({ findings, files: parsed, model, rules: RULES, settingsFor }));
const summary = {
  files: sources.length,
  documents: parsed.reduce((n, p) => n + p.documents.length, 0),
  objects: model.objects.length,
  containers: 0,
  suppressed: kept.suppressed,
};
const result = { files: parsed, findings: kept.findings, notices: inputs.notices, summary, config: configs.forDir(cwd) };
const json = stage('output', formatJson(toReport(result, VERSION)));
ms.total = performance.now();
process.stdout.write(`${JSON.stringify({ ms, documents: summary.documents, findings: kept.findings.length, outputBytes: json.length })}\n`);
