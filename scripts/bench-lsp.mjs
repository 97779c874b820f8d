// node scripts/bench-lsp.mjs: how long the language server takes to show the
// diagnostics of a 5,000-line manifest after one edit (SPEC §11: well under
// 100 ms), with the whole ../shared/corpus as its workspace folder and a
// suppressions file made by `probe-lint --suppress-all` of it (every finding
// of the corpus and of the manifest accepted, as a repository adopting
// probe-lint has it). Prints the median of 20 edits of a probe's value, and of
// 20 edits of a Service's selector (a routing key: the other open document is
// linted again too), and the time the first diagnostics and the workspace's
// routing index took. Not a test: the numbers depend on the machine.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node'; // re-exports the protocol's client side: no transitive dependency
import { freshBundles } from './bundle.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '..', 'shared', 'corpus');
const EDITS = 20;
const LINES = 5000;
// Open beside the manifest while its Service's selector is edited: a Deployment of another project.
const SECOND = 'plain/stefanprodan__podinfo/deploy/bases/frontend/deployment.yaml';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-bench-lsp-'));
try {
  const { cli } = await freshBundles(path.join(work, 'bundles'));
  const folder = path.join(work, 'corpus');
  fs.cpSync(corpus, folder, { recursive: true });
  const file = path.join(folder, 'bench-5000-lines.yaml');
  fs.writeFileSync(file, manifestOfLines(LINES));
  const text = fs.readFileSync(file, 'utf8');
  const made = Date.now();
  const suppressAll = spawnSync(process.execPath, [cli, '--suppress-all', '.'], { cwd: folder, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (suppressAll.status === 2 || suppressAll.status === null) throw new Error(`probe-lint --suppress-all failed: ${suppressAll.stderr}`);
  const suppressions = JSON.parse(fs.readFileSync(path.join(folder, 'probe-lint-suppressions.json'), 'utf8')).suppressions.length;
  const suppressMs = Date.now() - made;

  const server = spawn(process.execPath, [cli, 'lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  // Waits for the next diagnostics of a document at a version (of any, for null) published after the wait began.
  let waiting = [];
  let indexed = null;
  connection.onNotification('textDocument/publishDiagnostics', ({ uri, version, diagnostics }) => {
    const due = waiting.filter((w) => w.uri === uri && (w.version === null || w.version === version));
    waiting = waiting.filter((w) => !due.includes(w));
    for (const w of due) w.resolve(diagnostics);
  });
  connection.listen();
  const published = (uri, version) => new Promise((resolve) => waiting.push({ uri, version, resolve }));

  const uri = pathToFileURL(file).href;
  const started = performance.now();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'corpus' }], capabilities: {} });
  await connection.sendNotification('initialized', {});
  const first = published(uri, 1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const firstDiagnostics = await first;
  const firstMs = performance.now() - started;

  // The index re-publishes open documents when its scan is done: version 1 again, with the whole corpus as context.
  const again = published(uri, 1);
  await again;
  indexed = performance.now() - started;

  // Each edit retypes one probe's timeoutSeconds value, so that every lint is of new text.
  const timeoutAt = text.indexOf('timeoutSeconds: ') + 'timeoutSeconds: '.length;
  if (timeoutAt < 'timeoutSeconds: '.length) throw new Error('the manifest has no timeoutSeconds to edit');
  let version = 1;
  const edit = async (offset, wait) => {
    version++;
    const position = offsetPosition(text, offset);
    const done = wait(version);
    const t0 = performance.now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: String(1 + (version % 9)) }],
    });
    await done;
    const ms = performance.now() - t0;
    // As a person types: the next edit after the diagnostics of this one.
    await new Promise((resolve) => setTimeout(resolve, 30));
    return ms;
  };
  const probeEdits = [];
  for (let i = 0; i < EDITS; i++) probeEdits.push(await edit(timeoutAt, (v) => published(uri, v)));

  // A Service's selector value, its last character retyped: every edit changes what the Service selects, so the
  // other open document is linted again with the new routing. Timed until both have their diagnostics.
  const selector = /^kind: Service\n(?:.*\n)*?  selector:\n {4}[^\n:]+: ([\w.-]+)\n/m.exec(text);
  if (!selector) throw new Error('the manifest has no Service selector to edit');
  const selectorAt = selector.index + selector[0].length - 2;
  const second = path.join(folder, SECOND);
  const secondUri = pathToFileURL(second).href;
  const secondShown = published(secondUri, 1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: secondUri, languageId: 'yaml', version: 1, text: fs.readFileSync(second, 'utf8') } });
  await secondShown;
  const routingEdits = [];
  for (let i = 0; i < EDITS; i++) routingEdits.push(await edit(selectorAt, (v) => Promise.all([published(uri, v), published(secondUri, null)])));

  console.log(`workspace: ${countFiles(folder)} files (../shared/corpus); ${suppressions} suppressions (--suppress-all took ${(suppressMs / 1000).toFixed(1)} s); document: ${text.split('\n').length} lines, ${firstDiagnostics.length} diagnostics`);
  console.log(`first diagnostics after open: ${firstMs.toFixed(0)} ms; again with the whole workspace indexed: ${indexed.toFixed(0)} ms`);
  console.log(`re-lint after one edit of a probe (edit sent → diagnostics received), ${summary(probeEdits)}`);
  console.log(`re-lint after one edit of a Service's selector, another document open (edit sent → both documents' diagnostics received), ${summary(routingEdits)}`);
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

/**
 * The Deployments, StatefulSets and Services of two of the corpus's install bundles, whole documents, until
 * they make `lines` lines or a little more: a manifest that is all workloads and routing, the most a lint does per line.
 */
function manifestOfLines(lines) {
  const bundles = ['open-telemetry__opentelemetry-demo/kubernetes/opentelemetry-demo.yaml', 'argoproj__argo-cd/manifests/install.yaml'];
  const docs = bundles
    .flatMap((file) => fs.readFileSync(path.join(corpus, 'plain', file), 'utf8').split(/^---$/m))
    .filter((doc) => /^kind: (Deployment|StatefulSet|Service)$/m.test(doc));
  const out = [];
  let count = 0;
  for (const doc of docs) {
    if (count >= lines) break;
    const body = doc.replace(/^\n+/, '').replace(/\n*$/, '\n');
    out.push(body);
    count += body.split('\n').length;
  }
  return out.join('---\n');
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
  return `median of ${sorted.length}: ${median.toFixed(1)} ms (min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)})`;
}

function offsetPosition(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1).length };
}

function countFiles(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
