// Fixes as code actions: a quick fix per finding that carries one (safe fixes
// preferred, suggestions named as such), and "fix all safe problems" as the
// `source.fixAll.probe-lint` action, made in --fix's own passes.
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextEdit } from '../edit.js';
import { fixInPasses, wholeTrees } from '../fix.js';
import type { ParsedFile } from '../parse.js';
import type { Finding, Fix } from '../rule.js';
import { lspPosition, type EditorText } from './text.js';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.probe-lint`;
export const FIX_ALL_TITLE = 'Fix all safe problems (probe-lint)';

/** Where a workspace edit goes: the document and the version its offsets were counted in. */
export interface Target {
  uri: string;
  version: number;
  /** The client takes `documentChanges` (which carry the version, so a stale edit is refused). */
  versioned: boolean;
}

export function workspaceEdit(target: Target, edits: LspTextEdit[]): WorkspaceEdit {
  if (target.versioned) return { documentChanges: [{ textDocument: { uri: target.uri, version: target.version }, edits }] };
  return { changes: { [target.uri]: edits } };
}

export function lspEdits(at: EditorText, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: { start: lspPosition(at, e.offset), end: lspPosition(at, e.offset + e.length) }, newText: e.text }));
}

/**
 * A quick fix for each finding with a fix whose diagnostic touches the range or is among those the client
 * names (editors send the cursor's position with the diagnostics of its line).
 */
export function quickFixes(findings: readonly Finding[], diagnostics: readonly Diagnostic[], request: { range: Range; diagnostics: readonly Diagnostic[] }, at: EditorText, target: Target): CodeAction[] {
  const actions: CodeAction[] = [];
  const named = (d: Diagnostic): boolean => request.diagnostics.some((n) => n.code === d.code && n.message === d.message && samePosition(n.range.start, d.range.start));
  findings.forEach((finding, i) => {
    const diagnostic = diagnostics[i]!;
    if (!finding.fix || finding.fix.shownOnly || !(touches(diagnostic.range, request.range) || named(diagnostic))) return;
    actions.push({
      title: fixTitle(finding.fix),
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: finding.fix.safe,
      edit: workspaceEdit(target, lspEdits(at, finding.fix.edits)),
    });
  });
  return actions;
}

function fixTitle(fix: Fix): string {
  // A suggestion adds a probe or a hook: worth a look before it is taken, as --fix leaves it to --unsafe-fixes.
  return fix.safe ? fix.description : `Suggestion: ${fix.description}`;
}

export function hasSafeFix(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.fix?.safe && !f.fix.shownOnly);
}

/**
 * The text with the fixes `fixesOf` picks from each lint applied (every safe one, for fix all), made by
 * --fix's own passes (fix.ts fixInPasses) on the one file: a fix can make another, as a higher readiness
 * threshold makes a liveness one too low. `first` is the lint of `text`; `lint` lints a text the passes
 * made. The fixed text with its lint (the last pass's), or null where --fix would leave the file as it
 * is: a document that does not parse as YAML 1.2, or a pass that would break the text or change more
 * than its fixes claim.
 */
export async function fixText<L extends { files: readonly ParsedFile[] }>(
  text: string,
  first: L,
  fixesOf: (linted: L) => Fix[],
  lint: (text: string) => Promise<L>,
): Promise<{ text: string; linted: L } | null> {
  let leftAlone = false;
  // The one file's fixed text, under its path.
  const texts = new Map<string, string>();
  const last = await fixInPasses({ result: first }, texts, {
    fixes: ({ result }) => new Map([[result.files[0]!.file, fixesOf(result)]]),
    admit: () => true,
    skip: () => void (leftAlone = true),
    refuse: () => void (leftAlone = true),
    applied: () => {},
    lint: async (fixed) => ({ result: await lint([...fixed.values()][0]!) }),
  });
  return leftAlone ? null : { text: [...texts.values()][0] ?? text, linted: last.result };
}

/** Whether --fix would take the file at all: every document parses as YAML 1.2 (fix.ts skips it otherwise). */
export function fixable(parsed: ParsedFile): boolean {
  return wholeTrees(parsed).error === null;
}

/** One edit that turns `before` into `after`: the span between their common start and end. */
export function wholeEdit(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, text: after.slice(start, after.length - end) };
}

function samePosition(a: Range['start'], b: Range['start']): boolean {
  return a.line === b.line && a.character === b.character;
}

function touches(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']): boolean => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
