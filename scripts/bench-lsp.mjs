// node scripts/bench-lsp.mjs: how long the language server takes to show the
// diagnostics of a 5,000-line manifest after one edit (SPEC §11: well under
// 100 ms), with the whole ../shared/corpus as its workspace folder. Prints the
// median of 20 edits, and the time the first diagnostics and the workspace's
// routing index took. Not a test: the number depends on the machine.
import { spawn } from 'node:child_process';
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

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-bench-lsp-'));
try {
  const { cli } = await freshBundles(path.join(work, 'bundles'));
  const folder = path.join(work, 'corpus');
  fs.cpSync(corpus, folder, { recursive: true });
  const file = path.join(folder, 'bench-5000-lines.yaml');
  fs.writeFileSync(file, manifestOfLines(LINES));
  const text = fs.readFileSync(file, 'utf8');

  const server = spawn(process.execPath, [cli, 'lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waiting = new Map();
  let indexed = null;
  connection.onNotification('textDocument/publishDiagnostics', ({ uri, version, diagnostics }) => {
    const wait = waiting.get(`${uri}@${version}`);
    if (wait) wait(diagnostics);
  });
  connection.listen();
  const published = (uri, version) => new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));

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
  const at = text.indexOf('timeoutSeconds: ') + 'timeoutSeconds: '.length;
  if (at < 'timeoutSeconds: '.length) throw new Error('the manifest has no timeoutSeconds to edit');
  const position = offsetPosition(text, at);
  const times = [];
  for (let version = 2; version < 2 + EDITS; version++) {
    const done = published(uri, version);
    const t0 = performance.now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: String(1 + (version % 9)) }],
    });
    await done;
    times.push(performance.now() - t0);
    // As a person types: the next edit after the diagnostics of this one.
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  times.sort((a, b) => a - b);
  const median = (times[(EDITS - 1) >> 1] + times[EDITS >> 1]) / 2;
  console.log(`workspace: ${countFiles(folder)} files (../shared/corpus); document: ${text.split('\n').length} lines, ${firstDiagnostics.length} diagnostics`);
  console.log(`first diagnostics after open: ${firstMs.toFixed(0)} ms; again with the whole workspace indexed: ${indexed.toFixed(0)} ms`);
  console.log(`re-lint after one edit (edit sent → diagnostics received), median of ${EDITS}: ${median.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times.at(-1).toFixed(1)})`);
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

function offsetPosition(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1).length };
}

function countFiles(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
