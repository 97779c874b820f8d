// `probe-lint lsp` through vscode-languageclient's node client, the library VS
// Code extensions are built on. The client imports the `vscode` module, which
// only exists inside VS Code's extension host; there is no supported way to run
// it elsewhere, so this file gives it a small fake of the part of that API the
// client touches (documents, events, providers, diagnostics collections, file
// watchers). Everything between the client and the server is the real thing:
// the client's feature negotiation, its protocol conversions and the server
// spawned from the fresh CLI bundle, as an editor would spawn it.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEdits } from '../src/edit.js';
import { CLI, FIXTURES, HAS_HELM, TOOLS, cli, tempDir, withoutTools } from './helpers.js';

// ------------------------------------------------------------------ a fake of the vscode API

class Disposable {
  constructor(private readonly release: () => void = () => {}) {}
  dispose(): void {
    this.release();
  }
  static from(...all: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => all.forEach((d) => d?.dispose()));
  }
}

type Listener<T> = (event: T) => unknown;

class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(bound);
    const disposable = new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== bound)));
    disposables?.push(disposable);
    return disposable;
  };
  fire(event: T): void {
    for (const listener of [...this.listeners]) listener(event);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Uri {
  readonly scheme: string;
  readonly fsPath: string;
  readonly path: string;
  readonly authority = '';
  readonly query = '';
  readonly fragment = '';
  private constructor(private readonly text: string) {
    this.scheme = text.slice(0, text.indexOf(':'));
    this.fsPath = this.scheme === 'file' ? fileURLToPath(text) : text;
    this.path = this.fsPath;
  }
  static parse(text: string): Uri {
    return new Uri(text);
  }
  static file(file: string): Uri {
    return new Uri(pathToFileURL(file).href);
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isEqual(other: Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
}

class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c!, d!) : (b as Position);
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
}

class Diagnostic {
  code?: string | { value: string; target: Uri };
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number,
  ) {}
}

class CodeActionKind {
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorMove = new CodeActionKind('refactor.move');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly Notebook = new CodeActionKind('notebook');
}

class CodeAction {
  edit?: WorkspaceEdit;
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  constructor(
    readonly title: string,
    readonly kind?: CodeActionKind,
  ) {}
}

class TextEdit {
  constructor(
    readonly range: Range,
    readonly newText: string,
  ) {}
}

class WorkspaceEdit {
  private readonly edits: [Uri, TextEdit][] = [];
  set(uri: Uri, edits: (TextEdit | [TextEdit, unknown])[]): void {
    for (const edit of edits) this.edits.push([uri, Array.isArray(edit) ? edit[0] : edit]);
  }
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push([uri, new TextEdit(range, newText)]);
  }
  entries(): [Uri, TextEdit[]][] {
    const byUri = new Map<string, [Uri, TextEdit[]]>();
    for (const [uri, edit] of this.edits) {
      const entry = byUri.get(uri.toString()) ?? [uri, []];
      entry[1].push(edit);
      byUri.set(uri.toString(), entry);
    }
    return [...byUri.values()];
  }
  get size(): number {
    return this.entries().length;
  }
}

class MarkdownString {
  constructor(public value = '') {}
}

class Hover {
  readonly contents: MarkdownString[];
  constructor(
    contents: MarkdownString | MarkdownString[],
    readonly range?: Range,
  ) {
    this.contents = Array.isArray(contents) ? contents : [contents];
  }
}

class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {}
}

/** A document as the editor holds it: text, version, and the edits that change it. */
class Document {
  readonly languageId = 'yaml';
  readonly isClosed = false;
  readonly isUntitled = false;
  version = 1;
  constructor(
    readonly uri: Uri,
    public text: string,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  getText(): string {
    return this.text;
  }
  offsetAt(position: { line: number; character: number }): number {
    const lines = this.text.split('\n');
    return lines.slice(0, position.line).reduce((n, l) => n + l.length + 1, 0) + position.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before.at(-1)!.length);
  }
}

/** The editor's state: what tests do to it and what the client reports into it. */
const world = {
  folders: [] as { uri: Uri; name: string; index: number }[],
  documents: [] as Document[],
  opened: new EventEmitter<Document>(),
  closed: new EventEmitter<Document>(),
  changed: new EventEmitter<{ document: Document; contentChanges: { range: Range; rangeOffset: number; rangeLength: number; text: string }[]; reason: undefined }>(),
  saved: new EventEmitter<Document>(),
  providers: new Map<string, Record<string, (...args: unknown[]) => Promise<unknown>>>(),
  diagnostics: new Map<string, Diagnostic[]>(),
  published: new EventEmitter<string>(),
  watchers: [] as { glob: string; created: EventEmitter<Uri>; changed: EventEmitter<Uri>; deleted: EventEmitter<Uri> }[],
  reset(): void {
    this.folders.length = 0;
    this.documents.length = 0;
    this.providers.clear();
    this.diagnostics.clear();
    this.watchers.length = 0;
  },
};

const noEvent = new EventEmitter<unknown>().event;
const languages: Record<string, unknown> = {
  match: (selector: { language?: string; scheme?: string }[], document: Document) =>
    selector.some((s) => (!s.language || s.language === document.languageId) && (!s.scheme || s.scheme === document.uri.scheme)) ? 10 : 0,
  createDiagnosticCollection: () => ({
    set(uri: Uri | [Uri, Diagnostic[]][], diagnostics?: Diagnostic[]) {
      const entries = Array.isArray(uri) ? uri : [[uri, diagnostics ?? []] as [Uri, Diagnostic[]]];
      for (const [u, d] of entries) {
        world.diagnostics.set(u.toString(), d ?? []);
        world.published.fire(u.toString());
      }
    },
    delete: (uri: Uri) => world.diagnostics.delete(uri.toString()),
    clear: () => world.diagnostics.clear(),
    get: (uri: Uri) => world.diagnostics.get(uri.toString()),
    has: (uri: Uri) => world.diagnostics.has(uri.toString()),
    forEach: () => {},
    dispose: () => {},
  }),
};
for (const feature of ['Hover', 'CodeActions']) {
  languages[`register${feature}Provider`] = (_selector: unknown, provider: Record<string, (...args: unknown[]) => Promise<unknown>>) => {
    world.providers.set(feature, provider);
    return new Disposable();
  };
}

const outputChannel = {
  name: 'probe-lint',
  logLevel: 3,
  onDidChangeLogLevel: noEvent,
  append() {},
  appendLine() {},
  replace() {},
  clear() {},
  show() {},
  hide() {},
  dispose() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const vscode: Record<string, unknown> = {
  version: '1.106.0',
  Disposable,
  EventEmitter,
  Uri,
  Position,
  Range,
  Diagnostic,
  CodeActionKind,
  CodeAction,
  TextEdit,
  WorkspaceEdit,
  MarkdownString,
  Hover,
  CancellationTokenSource,
  CancellationError: class CancellationError extends Error {},
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
  TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
  SymbolTag: { Deprecated: 1 },
  CompletionItemTag: { Deprecated: 1 },
  languages,
  workspace: {
    get workspaceFolders() {
      return world.folders;
    },
    textDocuments: world.documents,
    notebookDocuments: [],
    onDidOpenTextDocument: world.opened.event,
    onDidCloseTextDocument: world.closed.event,
    onDidChangeTextDocument: world.changed.event,
    onDidSaveTextDocument: world.saved.event,
    onWillSaveTextDocument: noEvent,
    onDidChangeConfiguration: noEvent,
    onDidChangeWorkspaceFolders: noEvent,
    getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
    getWorkspaceFolder: (uri: Uri) => world.folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
    createFileSystemWatcher: (glob: string) => {
      const watcher = { glob, created: new EventEmitter<Uri>(), changed: new EventEmitter<Uri>(), deleted: new EventEmitter<Uri>() };
      world.watchers.push(watcher);
      return { onDidCreate: watcher.created.event, onDidChange: watcher.changed.event, onDidDelete: watcher.deleted.event, dispose() {} };
    },
    applyEdit: async () => true,
  },
  window: {
    tabGroups: { all: [], onDidChangeTabs: noEvent },
    visibleTextEditors: [],
    activeTextEditor: undefined,
    onDidChangeVisibleTextEditors: noEvent,
    onDidChangeActiveTextEditor: noEvent,
    createOutputChannel: () => outputChannel,
    showErrorMessage: async (message: string) => {
      throw new Error(`the client showed an error: ${message}`);
    },
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    withProgress: async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) => task({ report() {} }, new CancellationTokenSource().token),
    showTextDocument: async () => undefined,
  },
  commands: { registerCommand: () => new Disposable(), executeCommand: async () => undefined },
  env: { appName: 'probe-lint tests', language: 'en', openExternal: async () => true },
};
// Classes the client extends or constructs for features this server does not offer.
for (const name of ['CompletionItem', 'CodeLens', 'DocumentLink', 'InlayHint', 'CallHierarchyItem', 'TypeHierarchyItem', 'SymbolInformation', 'TabInputText', 'TabInputTextDiff', 'TabInputCustom', 'TabInputNotebook']) {
  vscode[name] = class {};
}

// The client's modules are CommonJS and require('vscode') as they load: Node's loader is asked for it here.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
const require = createRequire(import.meta.url);

interface Client {
  start(): Promise<void>;
  stop(): Promise<void>;
  initializeResult?: { serverInfo?: { name: string } };
}
const { LanguageClient, TransportKind } = require('vscode-languageclient/node') as {
  LanguageClient: new (id: string, name: string, server: unknown, options: unknown) => Client;
  TransportKind: { stdio: number };
};

// ------------------------------------------------------------------ the tests' own vocabulary

interface Shown {
  code: string;
  href: string;
  severity: number;
  message: string;
  range: [number, number, number, number];
}

const SEVERITY = { error: 0, warning: 1, info: 2 } as const;

/** The CLI's findings for a file, with the folder as context, as the editor would show them. */
function cliShows(folder: string, file: string, env?: Record<string, string>): Shown[] {
  const result = cli(['--context', '.', '--format', 'json', file], { cwd: folder, env });
  // Notices (a context chart not rendered without helm) may come; a usage or internal error may not.
  expect(result.status, result.stderr).not.toBe(2);
  const { findings } = JSON.parse(result.stdout) as { findings: { ruleId: string; severity: 'error' | 'warning' | 'info'; message: string; line: number; column: number; endLine: number; endColumn: number }[] };
  return findings.map((f) => ({
    code: f.ruleId,
    href: `https://github.com/probe-lint/probe-lint/blob/main/rules/${f.ruleId}.md`,
    severity: SEVERITY[f.severity],
    message: f.message,
    range: [f.line - 1, f.column - 1, f.endLine - 1, f.endColumn - 1],
  }));
}

function shown(uri: string): Shown[] | undefined {
  return world.diagnostics.get(uri)?.map((d) => {
    // A diagnostic about a broken config has no rule, so neither code nor link.
    const code = d.code as { value: string; target: Uri } | undefined;
    return { code: code?.value ?? '', href: code?.target.toString() ?? '', severity: d.severity, message: d.message, range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character] };
  });
}

/** Waits until the editor shows what `expected()` says (asked again at every publish), or fails with what it shows. */
async function showsSoon(uri: string, expected: () => Shown[], ms = 15_000): Promise<void> {
  const want = JSON.stringify(expected());
  const matches = (): boolean => JSON.stringify(shown(uri)) === want;
  if (!matches()) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const listener = world.published.event(() => matches() && done());
      function done(): void {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });
  }
  expect(shown(uri)).toEqual(JSON.parse(want));
}

let client: Client | null = null;

afterEach(async () => {
  await client?.stop();
  client = null;
  world.reset();
});

/**
 * A copy of test/fixtures/lsp (and of more fixture directories) as the workspace folder, made ready by
 * `prepare` before the server sees it, and a started client on it.
 */
async function startIn(more: string[] = [], env?: Record<string, string>, prepare?: (folder: string) => void): Promise<string> {
  const folder = tempDir();
  fs.cpSync(path.join(FIXTURES, 'lsp'), folder, { recursive: true });
  for (const dir of more) fs.cpSync(path.join(FIXTURES, dir), path.join(folder, path.basename(dir)), { recursive: true });
  prepare?.(folder);
  world.folders.push({ uri: Uri.file(folder), name: 'fixtures', index: 0 });
  const server = { command: process.execPath, args: [CLI, 'lsp'], transport: TransportKind.stdio, options: env ? { env } : undefined };
  client = new LanguageClient('probe-lint', 'probe-lint', server, { documentSelector: [{ scheme: 'file', language: 'yaml' }] });
  await client.start();
  return folder;
}

function open(file: string): Document {
  const document = new Document(Uri.file(file), fs.readFileSync(file, 'utf8'));
  world.documents.push(document);
  world.opened.fire(document);
  return document;
}

/** Types over the text between two offsets, as an editor sends it. */
function edit(document: Document, from: number, to: number, text: string): void {
  const range = new Range(document.positionAt(from), document.positionAt(to));
  document.text = document.text.slice(0, from) + text + document.text.slice(to);
  document.version++;
  world.changed.fire({ document, contentChanges: [{ range, rangeOffset: from, rangeLength: to - from, text }], reason: undefined });
}

/** What a file watcher of the client sees: the client sends it to the server as workspace/didChangeWatchedFiles. */
function fileEvent(kind: 'created' | 'changed' | 'deleted', file: string): void {
  const watcher = world.watchers.find((w) => w.glob.includes('yaml'));
  expect(watcher, 'the server registered no file watcher for manifests').toBeDefined();
  watcher![kind].fire(Uri.file(file));
}

function applied(document: Document, edit: WorkspaceEdit): string {
  const edits = edit.entries().flatMap(([uri, list]) => (uri.toString() === document.uri.toString() ? list : []));
  const offsets = edits.map((e) => ({ offset: document.offsetAt(e.range.start), length: document.offsetAt(e.range.end) - document.offsetAt(e.range.start), text: e.newText }));
  return applyEdits(document.text, offsets);
}

const token = (): unknown => new CancellationTokenSource().token;

/** A chart template that is a Deployment once `{{ .Values.timeout }}` is rendered. */
const TEMPLATE = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: web:1',
  '          readinessProbe:',
  '            httpGet: {path: /ready, port: 8080}',
  '            periodSeconds: 5',
  '            timeoutSeconds: {{ .Values.timeout }}',
  '',
].join('\n');

/** Saves a document as it is (the client sends textDocument/didSave). */
function save(document: Document): void {
  fs.writeFileSync(document.fileName, document.text);
  world.saved.fire(document);
}

/** What the CLI shows for a file of a copy of the folder in which some files have other texts (an editor's unsaved ones). */
function cliShowsWith(folder: string, texts: Record<string, string>, file: string, env?: Record<string, string>): Shown[] {
  const copy = tempDir();
  fs.cpSync(folder, copy, { recursive: true });
  for (const [name, text] of Object.entries(texts)) fs.writeFileSync(path.join(copy, name), text);
  return cliShows(copy, file, env);
}

/** Waits until `done()` holds, asking every 20 ms, or fails after `ms`. */
async function until(what: string | (() => string), done: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The fix-all source action among a document's code actions, if any is offered. */
async function fixAllOf(document: Document): Promise<CodeAction | undefined> {
  const actions = world.providers.get('CodeActions')!;
  const list = (await actions.provideCodeActions!(document, new Range(0, 0, 0, 0), { diagnostics: [], only: CodeActionKind.SourceFixAll, triggerKind: 1 }, token())) as CodeAction[];
  return list.find((a) => a.kind?.value === 'source.fixAll.probe-lint');
}

// ------------------------------------------------------------------ the tests

describe('probe-lint lsp through vscode-languageclient', () => {
  it("publishes the CLI's findings for an opened file, with the workspace's Services as context", async () => {
    const folder = await startIn();
    expect(client!.initializeResult?.serverInfo?.name).toBe('probe-lint');
    const document = open(path.join(folder, 'deployment.yaml'));
    const expected = cliShows(folder, 'deployment.yaml');
    await showsSoon(document.uri.toString(), () => expected);
    // Routing came from service.yaml, which is not open: the verdict differs without it.
    expect(expected.map((d) => d.code)).toContain('prestop-hook-missing');
    expect(cli(['--format', 'json', 'deployment.yaml'], { cwd: folder }).stdout).not.toContain('prestop-hook-missing');
  });

  it('lints again as the document changes', async () => {
    const folder = await startIn();
    const file = path.join(folder, 'deployment.yaml');
    const document = open(file);
    await showsSoon(document.uri.toString(), () => cliShows(folder, 'deployment.yaml'));
    const at = document.text.indexOf('timeoutSeconds: 2') + 'timeoutSeconds: '.length;
    edit(document, at, at + 1, '5');
    // The CLI on the same text: the timeout finding is gone, the others stay where they were.
    const expected = cliShowsWith(folder, { 'deployment.yaml': document.text }, 'deployment.yaml');
    expect(expected.map((d) => d.code)).not.toContain('probe-timeout-short');
    await showsSoon(document.uri.toString(), () => expected);
    // A line added above moves every finding down one line.
    edit(document, 0, 0, '# edited\n');
    await showsSoon(document.uri.toString(), () => expected.map((d) => ({ ...d, range: [d.range[0] + 1, d.range[1], d.range[2] + 1, d.range[3]] })));
  });

  it("hovers on readinessProbe with the probe's windows and its timeline", async () => {
    const folder = await startIn();
    const document = open(path.join(folder, 'deployment.yaml'));
    await showsSoon(document.uri.toString(), () => cliShows(folder, 'deployment.yaml'));
    const hover = world.providers.get('Hover')!;
    const key = document.positionAt(document.text.indexOf('readinessProbe:') + 3);
    const shownHover = (await hover.provideHover!(document, key, token())) as Hover;
    const text = shownHover.contents.map((c) => c.value).join('\n');
    expect(text).toContain('**readinessProbe** of container `api`: GET /ready on port http (8080)');
    expect(text).toContain('not ready after 3 × 5s = 15s of failed checks: dropped from service "api"');
    expect(text).toContain('livenessProbe: restarts the container after 6 × 10s = 60s');
    // The timeline of slow answers, as the manifest is and with the container's fixes (a 20s readiness window).
    expect(text).toMatch(/^ {4}before +├━+R┄+L +R 15s {2}L 60s$/m);
    expect(text).toMatch(/^ {4}after +├━+R┄+L +R 20s {2}L 60s$/m);
    // A field of the probe shows the same probe; a line outside every probe shows nothing.
    const field = document.positionAt(document.text.indexOf('failureThreshold: 3') + 2);
    expect(((await hover.provideHover!(document, field, token())) as Hover).contents[0]!.value).toContain('**readinessProbe**');
    const image = document.positionAt(document.text.indexOf('image:'));
    expect(await hover.provideHover!(document, image, token())).toBeFalsy();
  });

  it('offers quick fixes (safe ones preferred, suggestions named so) and fixes all safe problems as --fix does', async () => {
    const folder = await startIn();
    const file = path.join(folder, 'deployment.yaml');
    const document = open(file);
    await showsSoon(document.uri.toString(), () => cliShows(folder, 'deployment.yaml'));
    const diagnostics = world.diagnostics.get(document.uri.toString())!;
    const codeOf = (d: Diagnostic): string => (d.code as { value: string }).value;
    const actions = world.providers.get('CodeActions')!;
    const at = async (code: string, only?: CodeActionKind): Promise<CodeAction[]> => {
      const diagnostic = diagnostics.find((d) => codeOf(d) === code)!;
      return (await actions.provideCodeActions!(document, diagnostic.range, { diagnostics: [diagnostic], only, triggerKind: 1 }, token())) as CodeAction[];
    };

    const timeout = (await at('probe-timeout-short', CodeActionKind.QuickFix))[0]!;
    expect(timeout).toMatchObject({ title: 'set timeoutSeconds to 5', isPreferred: true });
    expect(timeout.kind?.value).toBe('quickfix');
    expect(timeout.diagnostics!.map(codeOf)).toEqual(['probe-timeout-short']);
    expect(applied(document, timeout.edit!)).toBe(document.text.replace('timeoutSeconds: 2', 'timeoutSeconds: 5'));

    const preStop = (await at('prestop-hook-missing', CodeActionKind.QuickFix))[0]!;
    expect(preStop.title).toMatch(/^Suggestion: /);
    expect(preStop.isPreferred).toBe(false);

    const fixAll = (await at('probe-timeout-short', CodeActionKind.SourceFixAll)).find((a) => a.kind?.value === 'source.fixAll.probe-lint')!;
    expect(fixAll.title).toBe('Fix all safe problems (probe-lint)');
    const resolved = (fixAll.edit ? fixAll : await actions.resolveCodeAction!(fixAll, token())) as CodeAction;
    // The CLI's --fix on a copy of the same workspace writes the same text.
    const copy = tempDir();
    fs.cpSync(folder, copy, { recursive: true });
    expect(cli(['--context', '.', '--fix', 'deployment.yaml'], { cwd: copy }).stderr).toMatch(/fixed 2 problems in 1 file/);
    expect(applied(document, resolved.edit!)).toBe(fs.readFileSync(path.join(copy, 'deployment.yaml'), 'utf8'));
  });

  it('keeps the workspace Service index current from file-change notifications', async () => {
    const folder = await startIn();
    const document = open(path.join(folder, 'deployment.yaml'));
    const uri = document.uri.toString();
    const service = path.join(folder, 'service.yaml');
    const serviceText = fs.readFileSync(service, 'utf8');
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    const codes = (): string[] => shown(uri)!.map((d) => d.code);
    expect(codes()).toContain('prestop-hook-missing');

    // The Service selects other pods now: nothing routes to the container, so no preStop is needed.
    fs.writeFileSync(service, serviceText.replace('app: api', 'app: web'));
    fileEvent('changed', service);
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    expect(codes()).not.toContain('prestop-hook-missing');

    // A new file with a Service that selects it again.
    fs.writeFileSync(path.join(folder, 'api-service.yaml'), serviceText.replace('name: api', 'name: api-internal'));
    fileEvent('created', path.join(folder, 'api-service.yaml'));
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    expect(shown(uri)!.find((d) => d.code === 'probe-timeout-short')!.message).toContain('dropped from service "api-internal"');

    fs.rmSync(path.join(folder, 'api-service.yaml'));
    fileEvent('deleted', path.join(folder, 'api-service.yaml'));
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    expect(codes()).not.toContain('prestop-hook-missing');
  });

  it("takes an open Service's unsaved text as context", async () => {
    const folder = await startIn();
    const deployment = open(path.join(folder, 'deployment.yaml'));
    const service = open(path.join(folder, 'service.yaml'));
    await showsSoon(deployment.uri.toString(), () => cliShows(folder, 'deployment.yaml'));
    const at = service.text.indexOf('app: api') + 'app: '.length;
    edit(service, at, at + 3, 'web');
    // What the CLI says once the edit is saved.
    const expected = cliShowsWith(folder, { 'service.yaml': service.text }, 'deployment.yaml');
    expect(expected.map((d) => d.code)).not.toContain('prestop-hook-missing');
    await showsSoon(deployment.uri.toString(), () => expected);
  });

  it.skipIf(!HAS_HELM)("shows a chart template the findings of the rendered chart that belong to it, when helm is on PATH", async () => {
    const home = tempDir();
    const env = { PATH: `${TOOLS}${path.delimiter}${process.env.PATH}`, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') };
    const folder = await startIn(['charts/conditional-container'], env);
    const template = 'conditional-container/templates/deployment.yaml';
    const expected = cliShows(folder, template, env);
    expect(expected.length).toBeGreaterThan(0);
    const document = open(path.join(folder, template));
    await showsSoon(document.uri.toString(), () => expected);
  });

  it('shows nothing on a chart template without helm: its text is not YAML', async () => {
    const folder = await startIn(['charts/conditional-container'], withoutTools());
    const document = open(path.join(folder, 'conditional-container/templates/deployment.yaml'));
    const uri = document.uri.toString();
    // The server's answer for the template comes after the ordinary file's, opened second.
    const other = open(path.join(folder, 'deployment.yaml'));
    await showsSoon(other.uri.toString(), () => cliShows(folder, 'deployment.yaml', withoutTools()));
    await showsSoon(uri, () => []);
  });

  it('reloads the config and the suppressions file when they change', async () => {
    const folder = await startIn();
    const document = open(path.join(folder, 'deployment.yaml'));
    const uri = document.uri.toString();
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));

    const config = path.join(folder, '.probe-lint.yaml');
    fs.writeFileSync(config, 'rules:\n  probe-timeout-short: off\n');
    fileEvent('created', config);
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    expect(shown(uri)!.map((d) => d.code)).not.toContain('probe-timeout-short');

    fs.writeFileSync(config, 'rules:\n  probe-timeout-short: error\n');
    fileEvent('changed', config);
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    expect(shown(uri)!.find((d) => d.code === 'probe-timeout-short')!.severity).toBe(SEVERITY.error);

    // A broken config stops the lint, as it stops the CLI (exit 2), and says why at the top of the file.
    fs.writeFileSync(config, 'rules:\n  probe-timeout-shrt: off\n');
    fileEvent('changed', config);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`the broken config was not reported; the editor shows ${JSON.stringify(shown(uri))}`));
      }, 15_000);
      const listener = world.published.event(() => {
        if (!world.diagnostics.get(uri)?.some((d) => d.message.includes('probe-timeout-shrt'))) return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
    });
    expect(world.diagnostics.get(uri)!.map((d) => d.message)).toEqual([expect.stringMatching(/\.probe-lint\.yaml:2: rules\.probe-timeout-shrt: unknown rule; did you mean "probe-timeout-short"\?/)]);
    fs.rmSync(config);
    fileEvent('deleted', config);
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));

    // Today's findings accepted into probe-lint-suppressions.json: none is shown, as the CLI shows none.
    expect(cli(['--context', '.', '--suppress-all', 'deployment.yaml'], { cwd: folder }).status).toBe(0);
    fileEvent('created', path.join(folder, 'probe-lint-suppressions.json'));
    expect(cliShows(folder, 'deployment.yaml')).toEqual([]);
    await showsSoon(uri, () => []);
  });
  it('reads the suppressions file once, and again only when told it changed', async () => {
    const folder = await startIn();
    const suppressions = path.join(folder, 'probe-lint-suppressions.json');
    // Today's findings accepted, among a few thousand entries for other files.
    expect(cli(['--context', '.', '--suppress-all', 'deployment.yaml'], { cwd: folder }).status).toBe(0);
    const accepted = (JSON.parse(fs.readFileSync(suppressions, 'utf8')) as { suppressions: unknown[] }).suppressions;
    expect(accepted.length).toBeGreaterThan(0);
    const others = Array.from({ length: 3000 }, (_, i) => ({
      file: `apps/app-${i}.yaml`,
      object: `Deployment app-${i}`,
      container: 'app',
      probe: 'readiness',
      rule: 'probe-timeout-short',
      message: 'accepted',
      fingerprint: i.toString(16).padStart(32, '0'),
      count: 1,
    }));
    const textOf = (entries: unknown[]): string => `${JSON.stringify({ version: 1, suppressions: entries }, null, 2)}\n`;
    fs.writeFileSync(suppressions, textOf([...accepted, ...others]));
    const document = open(path.join(folder, 'deployment.yaml'));
    const uri = document.uri.toString();
    await showsSoon(uri, () => []);

    // Replaced on disk without a notification: lints go on with the file as read. A second Deployment typed
    // in shows its findings; the first one's stay accepted.
    fs.writeFileSync(suppressions, textOf(others));
    edit(document, document.text.length, document.text.length, `---\n${document.text.replace('name: api\n', 'name: api-2\n')}`);
    const asRead = cliShowsWith(folder, { 'deployment.yaml': document.text, 'probe-lint-suppressions.json': textOf([...accepted, ...others]) }, 'deployment.yaml');
    const asOnDisk = cliShowsWith(folder, { 'deployment.yaml': document.text }, 'deployment.yaml');
    expect(asRead.length).toBeGreaterThan(0);
    expect(asRead.length).toBeLessThan(asOnDisk.length);
    await showsSoon(uri, () => asRead);

    // Told of the change: read again, and nothing is accepted any more.
    fileEvent('changed', suppressions);
    await showsSoon(uri, () => asOnDisk);
  });

  it('offers no fix-all for a file --fix leaves as it is, and fixes all as --fix does otherwise', async () => {
    // js-yaml accepts a flow sequence continued at column 0 in block context; YAML 1.2 does not: --fix skips the file.
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  key: [a\n, b]\n---\n' + fs.readFileSync(path.join(FIXTURES, 'lsp', 'deployment.yaml'), 'utf8');
    const folder = await startIn([], undefined, (dir) => fs.writeFileSync(path.join(dir, 'mixed.yaml'), text));
    const document = open(path.join(folder, 'mixed.yaml'));
    await showsSoon(document.uri.toString(), () => cliShows(folder, 'mixed.yaml'));
    expect(shown(document.uri.toString())!.map((d) => d.code)).toContain('probe-timeout-short');
    const copy = tempDir();
    fs.cpSync(folder, copy, { recursive: true });
    expect(cli(['--context', '.', '--fix', 'mixed.yaml'], { cwd: copy }).stderr).toMatch(/mixed\.yaml: line 6 does not parse as YAML 1\.2/);
    expect(fs.readFileSync(path.join(copy, 'mixed.yaml'), 'utf8')).toBe(text);
    expect(await fixAllOf(document)).toBeUndefined();

    // The same document with the ConfigMap mended: fix-all again, with --fix's text.
    const at = document.text.indexOf('[a\n, b]');
    edit(document, at, at + '[a\n, b]'.length, '[a, b]');
    const fixAll = (await fixAllOf(document))!;
    expect(fixAll).toBeDefined();
    const resolved = (fixAll.edit ? fixAll : await world.providers.get('CodeActions')!.resolveCodeAction!(fixAll, token())) as CodeAction;
    fs.writeFileSync(path.join(copy, 'mixed.yaml'), document.text);
    expect(cli(['--context', '.', '--fix', 'mixed.yaml'], { cwd: copy }).stderr).toMatch(/fixed 2 problems in 1 file/);
    expect(applied(document, resolved.edit!)).toBe(fs.readFileSync(path.join(copy, 'mixed.yaml'), 'utf8'));
  });

  it('renders a chart template on open, save and settings changes only, and shows the newest render', async () => {
    // A fake helm that counts its runs (those of the server) and renders the timeout its `timeout` file holds,
    // waiting first while a `hold-<timeout>` file is there.
    const tools = tempDir();
    const runs = path.join(tools, 'runs');
    const finished = path.join(tools, 'finished');
    fs.writeFileSync(path.join(tools, 'timeout'), '1');
    const rendered = (timeout: string): string =>
      TEMPLATE.replace('{{ .Values.timeout }}', timeout);
    fs.writeFileSync(
      path.join(tools, 'helm'),
      [
        '#!/bin/sh',
        `[ -n "$FAKE_HELM_RUNS" ] && echo run >> "$FAKE_HELM_RUNS"`,
        `v=$(cat "${tools}/timeout")`,
        `while [ -e "${tools}/hold-$v" ]; do sleep 0.02; done`,
        `printf '%s\\n' '---' '# Source: web/templates/deployment.yaml'`,
        `cat <<EOF`,
        rendered('$v').trimEnd(),
        'EOF',
        `[ -n "$FAKE_HELM_RUNS" ] && echo "$v" >> "${finished}"`,
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const cliEnv = { PATH: `${tools}${path.delimiter}${process.env.PATH}` };
    const folder = await startIn([], { ...cliEnv, FAKE_HELM_RUNS: runs }, (dir) => {
      fs.mkdirSync(path.join(dir, 'web', 'templates'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
      fs.writeFileSync(path.join(dir, 'web', 'values.yaml'), 'timeout: 1\n');
      fs.writeFileSync(path.join(dir, 'web', 'templates', 'deployment.yaml'), TEMPLATE);
    });
    const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
    const template = 'web/templates/deployment.yaml';
    const withTimeout = (timeout: string): Shown[] => {
      fs.writeFileSync(path.join(tools, 'timeout'), timeout);
      return cliShows(folder, template, cliEnv);
    };
    const shows = { 1: withTimeout('1'), 2: withTimeout('2'), 3: withTimeout('3') };
    expect(shows[1]).not.toEqual(shows[3]);
    fs.writeFileSync(path.join(tools, 'timeout'), '1');
    const document = open(path.join(folder, template));
    const uri = document.uri.toString();
    await showsSoon(uri, () => shows[1]);
    // The workspace index's render of the chart, and the template's own.
    await until(() => `both renders are done (${lines(runs).length} started, ${lines(finished).length} done)`, () => lines(finished).length === 2);

    // An older render that ends after a newer one does not replace what the newer one showed.
    fs.writeFileSync(path.join(tools, 'hold-2'), '');
    fs.writeFileSync(path.join(tools, 'timeout'), '2');
    save(document);
    await until('the slow render started', () => lines(runs).length === 3);
    fs.writeFileSync(path.join(tools, 'timeout'), '3');
    save(document);
    await showsSoon(uri, () => shows[3]);
    fs.rmSync(path.join(tools, 'hold-2'));
    await until('the slow render is done', () => lines(finished).length === 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shown(uri)).toEqual(shows[3]);

    // A Service changed on disk changes the index, not the chart: no render. The next save renders once.
    const service = path.join(folder, 'service.yaml');
    fs.writeFileSync(service, fs.readFileSync(service, 'utf8').replace('app: api', 'app: web'));
    fileEvent('changed', service);
    const deployment = open(path.join(folder, 'deployment.yaml'));
    await showsSoon(deployment.uri.toString(), () => cliShows(folder, 'deployment.yaml', cliEnv));
    fs.writeFileSync(path.join(tools, 'timeout'), '2');
    save(document);
    await showsSoon(uri, () => shows[2]);
    expect(lines(runs)).toHaveLength(5);
  });

  it("does not lint probe-lint's own files as manifests", async () => {
    const folder = await startIn([], undefined, (dir) => {
      fs.writeFileSync(path.join(dir, '.probe-lint.yaml'), 'rules:\n  probe-timeout-short: warning\n');
    });
    // Being typed: not YAML yet. What the config on disk says still holds.
    const config = new Document(Uri.file(path.join(folder, '.probe-lint.yaml')), 'rules:\n  probe-timeout-short: [warning\n');
    world.documents.push(config);
    world.opened.fire(config);
    const suppressions = new Document(Uri.file(path.join(folder, 'probe-lint-suppressions.json')), '{"version": 1, "suppressions": [\n');
    world.documents.push(suppressions);
    world.opened.fire(suppressions);
    for (const document of [config, suppressions]) {
      const actions = (await world.providers.get('CodeActions')!.provideCodeActions!(document, new Range(0, 0, 0, 0), { diagnostics: [], triggerKind: 1 }, token())) as CodeAction[];
      expect(actions).toEqual([]);
    }
    const document = open(path.join(folder, 'deployment.yaml'));
    await showsSoon(document.uri.toString(), () => cliShows(folder, 'deployment.yaml'));
    expect(shown(config.uri.toString()) ?? []).toEqual([]);
    expect(shown(suppressions.uri.toString()) ?? []).toEqual([]);
  });

  it('skips a binary document as the CLI skips a binary file', async () => {
    const folder = await startIn();
    const file = path.join(folder, 'deployment.yaml');
    const document = open(file);
    const uri = document.uri.toString();
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    edit(document, 0, 0, '# \0\n');
    fs.writeFileSync(file, document.text);
    expect(cli(['--context', '.', 'deployment.yaml'], { cwd: folder }).stderr).toMatch(/deployment\.yaml: binary file skipped/);
    await showsSoon(uri, () => []);
  });

  it('names Services in the order `--context <folder>` names them, an open one in its file\'s place', async () => {
    const folder = await startIn([], undefined, (dir) => {
      fs.writeFileSync(path.join(dir, 'a-service.yaml'), fs.readFileSync(path.join(dir, 'service.yaml'), 'utf8').replace('name: api', 'name: api-a'));
    });
    const deployment = open(path.join(folder, 'deployment.yaml'));
    const uri = deployment.uri.toString();
    await showsSoon(uri, () => cliShows(folder, 'deployment.yaml'));
    const service = open(path.join(folder, 'a-service.yaml'));
    const at = service.text.indexOf('name: api-a') + 'name: api-'.length;
    edit(service, at, at + 1, 'first');
    const expected = cliShowsWith(folder, { 'a-service.yaml': service.text }, 'deployment.yaml');
    expect(expected.find((d) => d.code === 'probe-timeout-short')!.message).toContain('services "api-first" and "api"');
    await showsSoon(uri, () => expected);
  });
});
