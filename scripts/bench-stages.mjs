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
const { configIgnores, configResolver, fileSettings, OWN_FILES } = await import('../dist/src/run.js');
const { readOne } = await import('../dist/src/read-inputs.js');
const { suppress } = await import('../dist/src/suppress.js');
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
const inputs = stage('walk', await collectInputs(['.'], { cwd, ignore: [], configIgnore: configIgnores(configs), kinds: RENDERERS, skipNames: OWN_FILES }));

const sources = stage(
  'read',
  inputs.files.flatMap((file) => {
    const read = readOne(file, undefined);
    return 'source' in read ? [read.source] : [];
  }),
);
const parsed = stage('parse', sources.map((source) => parseFile(source)));
const model = stage('model', buildModel(parsed));
const routing = stage('routing', buildRouting(model));
const settingsFor = fileSettings(configs, { cwd });
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
