// `probe-lint lsp`: the language server (SPEC §11), over stdio. Wiring only:
// documents and notifications in, diagnostics, code actions and hovers out.
// Linting is lint-sources.ts, the workspace's Services routing-index.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type InitializeParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_NAMES } from '../config.js';
import { isInside } from '../files.js';
import type { Notice } from '../inputs.js';
import type { RenderTargets } from '../renderers/index.js';
import type { Container } from '../model.js';
import { routingKey } from '../routing-objects.js';
import type { RoutingObjects } from '../routing.js';
import type { Fix } from '../rule.js';
import { OWN_FILES } from '../run.js';
import { SUPPRESSIONS_NAME } from '../suppressions-file.js';
import { MAX_FILE_BYTES } from '../tree-files.js';
import { VERSION } from '../version.js';
import { ownerOf, templateDiagnostics } from './chart-templates.js';
import { FIX_ALL_KIND, FIX_ALL_TITLE, fixable, fixText, hasSafeFix, lspEdits, quickFixes, wholeEdit, workspaceEdit, type Target } from './code-actions.js';
import { documentDiagnostics, settingsDiagnostic } from './diagnostics.js';
import { containerAfterFixes, type FixedContainer } from './after-fixes.js';
import { probeAt, probeSummary, probeTimeline } from './hover.js';
import { lintSources, type LintedSources } from './lint-sources.js';
import { routingObjects } from './routing-index.js';
import { editorText, lspRange, sourceOffset, type EditorText } from './text.js';
import { createWorkspace, settingsProblem, type Workspace } from './workspace.js';

/**
 * Keystrokes closer together than this are a burst: the first edit after a pause is linted at once, the rest
 * of a burst once it pauses, so a lint never queues behind another for text already typed over.
 */
const TYPING_MS = 15;
/** File-change notifications come in bursts (a checkout, a save-all): the folder is walked again once they stop. */
const RESCAN_MS = 200;
// What the CLI walks for; other documents (Go, Markdown…) are not manifests.
const MANIFEST = /\.(ya?ml|json)$/i;

interface DocumentLint {
  version: number;
  at: EditorText;
  /** Null when a broken config or suppressions file stopped the lint: `diagnostics` says so. */
  linted: LintedSources | null;
  diagnostics: Diagnostic[];
}

interface OpenDocument {
  absPath: string;
  /** The version it was opened at: that content is linted by the open itself. */
  openedAt: number;
  workspace: Workspace;
  /** The chart it is a template of (never linted as text), else null; decided when it is opened. */
  owner: Promise<RenderTargets | null>;
  lint: DocumentLint | null;
  running: { version: number; done: Promise<DocumentLint | null> } | null;
  /** Counts the changes of context and settings: a lint begun before the last one is not kept. */
  generation: number;
  timer: NodeJS.Timeout | null;
  /** When its last edit came (performance.now()): the next one within TYPING_MS is part of a burst. */
  editedAt: number;
  /** Its Services, Ingresses and routes as last linted (null before its first lint): when they change, the other open documents are linted again. */
  routingKey: string | null;
  /** Counts the renders of a chart template begun: only the last one begun publishes. */
  renders: number;
  /** Why its text is not linted (binary, too large), as last logged; null while it is linted. */
  skipped: string | null;
}

export function serve(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const open = new Map<string, OpenDocument>();
  const folders = new Map<string, Workspace>();
  // Documents outside every workspace folder: linted without context, as `probe-lint FILE` is.
  const loose = new Map<string, Workspace>();
  const rescans = new Map<Workspace, NodeJS.Timeout>();
  let versionedEdits = false;
  let resolvesEdits = false;
  let watchesFiles = false;

  const log = (notice: Notice): void => connection.console.info(`${notice.file ?? ''}${notice.file ? ': ' : ''}${notice.message}`);
  const newWorkspace = (folder: string): Workspace => createWorkspace(folder, { changed: () => relintAll(), notice: log });

  /** The innermost workspace folder holding a path. */
  const folderOf = (absPath: string): Workspace | undefined =>
    [...folders.values()].filter((w) => isInside(w.folder, absPath)).sort((a, b) => b.folder.length - a.folder.length)[0];

  const workspaceFor = (absPath: string): Workspace => {
    const holding = folderOf(absPath);
    if (holding) return holding;
    const dir = path.dirname(absPath);
    let workspace = loose.get(dir);
    if (!workspace) loose.set(dir, (workspace = newWorkspace(dir)));
    return workspace;
  };

  const publish = (uri: string, version: number, diagnostics: Diagnostic[]): void => {
    void connection.sendDiagnostics({ uri, version, diagnostics });
  };

  /** The document's lint for its current version: the last one when it is current, else a new one, published. */
  const lintNow = (uri: string): Promise<DocumentLint | null> => {
    const state = open.get(uri);
    const document = documents.get(uri);
    if (!state || !document) return Promise.resolve(null);
    if (state.lint?.version === document.version) return Promise.resolve(state.lint);
    if (state.running?.version === document.version) return state.running.done;
    const done = lintDocument(uri, state, document).finally(() => {
      if (state.running?.done === done) state.running = null;
    });
    state.running = { version: document.version, done };
    return done;
  };

  const lintDocument = async (uri: string, state: OpenDocument, document: TextDocument): Promise<DocumentLint | null> => {
    const generation = state.generation;
    if (await state.owner) return null;
    const { workspace, absPath } = state;
    const text = document.getText();
    const at = editorText(text, absPath, workspace.folder);
    const skipped = notLinted(text);
    if (skipped !== state.skipped && open.get(uri) === state) {
      state.skipped = skipped;
      if (skipped !== null) log({ file: at.source.path, line: null, message: skipped });
    }
    const lint = skipped === null ? await lintText(uri, state, document.version, at) : { version: document.version, at, linted: null, diagnostics: [] };
    // As the CLI reads a file it skips: no Services for the others either.
    if (skipped !== null) noteRoutingObjects(uri, state, { services: [], backends: [] });
    // Closed, changed again, or its context changed meanwhile: the lint that follows publishes.
    if (open.get(uri) !== state || documents.get(uri)?.version !== lint.version || state.generation !== generation) return lint;
    state.lint = lint;
    publish(uri, lint.version, lint.diagnostics);
    return lint;
  };

  const lintText = async (uri: string, state: OpenDocument, version: number, at: EditorText): Promise<DocumentLint> => {
    const { workspace, absPath } = state;
    try {
      const linted = await lintSources([at.source], workspace.settings(), workspace.index.contextFor(absPath));
      noteRoutingObjects(uri, state, routingObjects(linted.model));
      return { version, at, linted, diagnostics: documentDiagnostics(linted.findings, at) };
    } catch (error) {
      const problem = settingsProblem(error);
      if (problem === null) throw error;
      return { version, at, linted: null, diagnostics: [settingsDiagnostic(problem)] };
    }
  };

  /**
   * An open document's routing objects stand for its file; others depend on them when they change. Objects
   * equal for routing are not handed over again: other documents' context stays as it was, and cached.
   */
  const noteRoutingObjects = (uri: string, state: OpenDocument, objects: RoutingObjects): void => {
    const key = routingKey(objects);
    // Closed while it was linted: its file on disk stands for it again.
    if (key === state.routingKey || open.get(uri) !== state) return;
    const first = state.routingKey === null;
    state.routingKey = key;
    state.workspace.index.setOpen(state.absPath, objects);
    // A file just opened as it is on disk changes nothing for the others unless it holds routing objects.
    if (first && key === NO_ROUTING) return;
    for (const [other, otherState] of open) if (other !== uri) relint(other, otherState);
  };

  const schedule = (uri: string, delay: number): void => {
    const state = open.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = null;
      lintNow(uri).catch(reportError);
    }, delay);
  };

  /** Lints a document again at its current version: its context or settings changed. */
  const relint = (uri: string, state: OpenDocument): void => {
    state.generation++;
    state.lint = null;
    state.running = null;
    schedule(uri, TYPING_MS);
  };

  /**
   * Lints every open document again: the workspace's routing objects changed. Chart templates are rendered
   * again only when `templates` says so (the settings changed): a render runs helm, too much for every
   * change of the index; their own saves render them.
   */
  const relintAll = (templates = false): void => {
    for (const [uri, state] of open) {
      relint(uri, state);
      if (templates) state.owner.then((targets) => targets && lintTemplate(uri, state, targets)).catch(reportError);
    }
  };

  const lintTemplate = async (uri: string, state: OpenDocument, targets: RenderTargets): Promise<void> => {
    const document = documents.get(uri);
    if (!document) return;
    // Renders take long and may end in any order: only the last one begun publishes.
    const render = ++state.renders;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await templateDiagnostics(editorText(document.getText(), state.absPath, state.workspace.folder), targets, state.workspace);
    } catch (error) {
      const problem = settingsProblem(error);
      if (problem === null) throw error;
      diagnostics = [settingsDiagnostic(problem)];
    }
    if (open.get(uri) === state && state.renders === render) publish(uri, document.version, diagnostics);
  };

  const rescan = (workspace: Workspace, delay: number): void => {
    clearTimeout(rescans.get(workspace));
    rescans.set(
      workspace,
      setTimeout(() => {
        rescans.delete(workspace);
        void scan(workspace);
      }, delay),
    );
  };

  /** A scan of the folder, shown as work in progress where the client shows it ("indexing…"). */
  const scan = async (workspace: Workspace): Promise<void> => {
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('probe-lint', undefined, 'reading the Services, Ingresses and routes of the workspace');
    try {
      await workspace.index.scan();
    } catch (error) {
      reportError(error);
    } finally {
      progress.done();
    }
  };

  const settingsChanged = (workspace: Workspace, { config, suppressions }: { config: boolean; suppressions: boolean }): void => {
    if (suppressions) workspace.reloadSuppressions();
    if (config) {
      workspace.reloadConfig();
      // A config's `ignore` decides which files are context: walk again (it lints everything open when done).
      if (folders.has(workspace.folder)) rescan(workspace, 0);
    }
    relintAll(true);
  };

  const reportError = (error: unknown): void => {
    // A broken config is the user's to fix, and each document says so; anything else is a bug of probe-lint.
    const problem = settingsProblem(error);
    if (problem !== null) connection.console.warn(problem);
    else connection.console.error(`probe-lint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  };

  connection.onInitialize((params: InitializeParams) => {
    const capabilities = params.capabilities;
    versionedEdits = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    resolvesEdits = capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
    watchesFiles = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    for (const uri of roots) {
      const folder = pathOf(uri);
      if (folder !== null) folders.set(folder, newWorkspace(folder));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      },
      serverInfo: { name: 'probe-lint', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watchesFiles) {
      const watchers = ['**/*.{yaml,yml,json}', '**/.gitignore', '**/*.tpl'].map((globPattern) => ({ globPattern }));
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    }
    // In the background: documents opened meanwhile are linted with what is known, and again when it is done.
    for (const workspace of folders.values()) void scan(workspace);
  });

  documents.onDidOpen(({ document }) => {
    const absPath = pathOf(document.uri);
    // probe-lint's own settings files are never manifests: the CLI's walk passes them by.
    if (absPath === null || !MANIFEST.test(absPath) || OWN_FILES.includes(path.basename(absPath))) return;
    const workspace = workspaceFor(absPath);
    const owner = ownerOf(absPath, workspace).catch(() => null);
    const state: OpenDocument = {
      absPath,
      openedAt: document.version,
      workspace,
      owner,
      lint: null,
      running: null,
      generation: 0,
      timer: null,
      editedAt: -Infinity,
      routingKey: null,
      renders: 0,
      skipped: null,
    };
    open.set(document.uri, state);
    owner
      .then(async (targets) => {
        if (targets) await lintTemplate(document.uri, state, targets);
        else await lintNow(document.uri);
      })
      .catch(reportError);
  });

  documents.onDidChangeContent(({ document }) => {
    const state = open.get(document.uri);
    // The first content is the open's, linted there at once.
    if (!state || state.openedAt === document.version) return;
    const now = performance.now();
    const burst = state.timer !== null || now - state.editedAt < TYPING_MS;
    state.editedAt = now;
    schedule(document.uri, burst ? TYPING_MS : 0);
  });

  documents.onDidSave(({ document }) => {
    const absPath = pathOf(document.uri);
    const name = absPath === null ? '' : path.basename(absPath);
    // Editors without file watching still reload settings saved in them.
    if (absPath !== null && !watchesFiles && OWN_FILES.includes(name)) settingsChanged(workspaceFor(absPath), { config: CONFIG_NAMES.includes(name), suppressions: name === SUPPRESSIONS_NAME });
    const state = open.get(document.uri);
    if (!state) return;
    void state.owner.then((targets) => targets && lintTemplate(document.uri, state, targets)).catch(reportError);
  });

  documents.onDidClose(({ document }) => {
    const state = open.get(document.uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    open.delete(document.uri);
    state.workspace.index.setOpen(state.absPath, null);
    publish(document.uri, document.version, []);
    // Its file on disk stands for it again.
    if (state.routingKey !== null) {
      state.workspace.index.fileChanged(state.absPath);
      relintAll();
    }
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    const touched = new Map<Workspace, { config: boolean; suppressions: boolean }>();
    for (const change of changes) {
      const absPath = pathOf(change.uri);
      // Only workspace folders are watched for context and settings; a document elsewhere reads its settings when linted.
      const workspace = absPath === null ? undefined : folderOf(absPath);
      if (absPath === null || !workspace) continue;
      const name = path.basename(absPath);
      const seen = touched.get(workspace) ?? { config: false, suppressions: false };
      touched.set(workspace, seen);
      if (CONFIG_NAMES.includes(name)) seen.config = true;
      else if (name === SUPPRESSIONS_NAME) seen.suppressions = true;
      // New and deleted files (directories too), ignore rules and what renders read: walk again.
      else if (change.type !== FileChangeType.Changed || name === '.gitignore' || workspace.index.rendersFile(absPath)) rescan(workspace, RESCAN_MS);
      else workspace.index.fileChanged(absPath);
    }
    for (const [workspace, seen] of touched) if (seen.config || seen.suppressions) settingsChanged(workspace, seen);
  });

  connection.onCodeAction(async ({ textDocument, range, context }) => {
    const lint = await lintNow(textDocument.uri);
    if (!lint?.linted) return [];
    const wanted = (kind: string): boolean => !context.only || context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
    const target: Target = { uri: textDocument.uri, version: lint.version, versioned: versionedEdits };
    const actions: CodeAction[] = wanted(CodeActionKind.QuickFix) ? quickFixes(lint.linted.findings, lint.diagnostics, { range, diagnostics: context.diagnostics }, lint.at, target) : [];
    if (wanted(FIX_ALL_KIND) && hasSafeFix(lint.linted.findings) && offersFixAll(lint)) {
      const fixAll: CodeAction = { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data: { uri: textDocument.uri } };
      // Made only when chosen, where the client can ask for it then: editors ask for actions at every cursor move.
      if (!resolvesEdits) fixAll.edit = (await fixAllEdit(textDocument.uri, lint)) ?? undefined;
      // Made now and nothing to make (--fix would refuse a pass): not offered.
      if (resolvesEdits || fixAll.edit) actions.push(fixAll);
    }
    return actions;
  });

  connection.onCodeActionResolve(async (action) => {
    const uri = (action.data as { uri?: string } | undefined)?.uri;
    if (action.kind !== FIX_ALL_KIND || uri === undefined) return action;
    const lint = await lintNow(uri);
    const edit = lint ? await fixAllEdit(uri, lint) : null;
    return edit ? { ...action, edit } : action;
  });

  // Whether --fix would take the file at all, asked at every cursor move: once per lint.
  const takesFixes = new WeakMap<DocumentLint, boolean>();
  const offersFixAll = (lint: DocumentLint): boolean => {
    let known = takesFixes.get(lint);
    if (known === undefined) takesFixes.set(lint, (known = lint.linted !== null && fixable(lint.linted.files[0]!)));
    return known;
  };

  /** The whole document's safe fixes, made in passes against the text each leaves, as one edit. */
  const fixAllEdit = async (uri: string, lint: DocumentLint): Promise<WorkspaceEdit | null> => {
    const state = open.get(uri);
    if (!state || !lint.linted) return null;
    const settings = state.workspace.settings();
    const context = state.workspace.index.contextFor(state.absPath);
    const original = lint.at.source;
    const safe = (linted: LintedSources): Fix[] => linted.findings.flatMap((f) => (f.fix?.safe && !f.fix.shownOnly && !f.fix.target ? [f.fix] : []));
    // The first pass is of the text the lint has just seen.
    const fixed = await fixText(original.text, lint.linted, safe, (text) => lintSources([{ ...original, text }], settings, context));
    const edit = fixed === null ? null : wholeEdit(original.text, fixed.text);
    return edit && workspaceEdit({ uri, version: lint.version, versioned: versionedEdits }, lspEdits(lint.at, [edit]));
  };

  // A container as its fixes would leave it, asked at every hover of its probes: once per lint and container.
  const fixedContainers = new WeakMap<DocumentLint, Map<Container, Promise<FixedContainer | null>>>();
  const afterFixes = (state: OpenDocument, lint: DocumentLint, linted: LintedSources, container: Container): Promise<FixedContainer | null> => {
    const known = fixedContainers.get(lint) ?? new Map<Container, Promise<FixedContainer | null>>();
    fixedContainers.set(lint, known);
    let after = known.get(container);
    if (!after) {
      const settings = state.workspace.settings();
      const context = state.workspace.index.contextFor(state.absPath);
      const source = lint.at.source;
      after = containerAfterFixes(source.text, linted, container, (text) => lintSources([{ ...source, text }], settings, context));
      known.set(container, after);
      // A failed one is not kept: the next hover tries again.
      after.catch(() => known.delete(container));
    }
    return after;
  };

  connection.onHover(async ({ textDocument, position }) => {
    const lint = await lintNow(textDocument.uri);
    const document = documents.get(textDocument.uri);
    if (!lint?.linted || !document || document.version !== lint.version) return null;
    const found = probeAt(lint.linted.model, sourceOffset(lint.at, document.offsetAt(position)));
    const state = open.get(textDocument.uri);
    if (!found || !state) return null;
    const range = lspRange(lint.at, found.span);
    const { probe } = found;
    const after = await afterFixes(state, lint, lint.linted, probe.container);
    const timeline = probeTimeline(probe, lint.linted.routing.of(probe.container), after);
    return { contents: { kind: 'markdown', value: `${probeSummary(probe, lint.linted.routing)}\n\n${timeline}` }, range };
  });

  documents.listen(connection);
  connection.listen();
}

const NO_ROUTING = routingKey({ services: [], backends: [] });

/** Why the CLI would skip a file of this text (read-inputs.ts readOne, tree-files.ts), in its words; null when it lints it. */
function notLinted(text: string): string | null {
  if (text.includes('\0')) return 'binary file skipped';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / (1024 * 1024)} MiB (${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MiB); skipped`;
  return null;
}

/** The path of a `file:` URI; null for other schemes (untitled buffers, remote files), which have no folder or config. */
function pathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
