// A real editor against `probe-lint lsp`: Debian's Neovim, headless, with the
// small Lua config in test/nvim/init.lua. It opens a copy of a Deployment,
// receives the diagnostics, applies the quick fix for the timeout finding with
// its own workspace-edit code and writes the file; this test then holds the
// diagnostics to the CLI's JSON for the same file and checks the file on disk.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../src/edit.js';
import { CLI, FIXTURES, cli, tempDir } from './helpers.js';

const HAS_NVIM = spawnSync('nvim', ['--version']).status === 0;
const INIT = path.join(path.dirname(FIXTURES), 'nvim', 'init.lua');

interface CliFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix: { description: string; edits: { offset: number; length: number; text: string }[] } | null;
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

/** What the CLI reports for a file with the folder as context, as LSP diagnostics would say it. */
function cliFindings(folder: string, file: string): CliFinding[] {
  const result = cli(['--context', '.', '--format', 'json', file], { cwd: folder });
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as { findings: CliFinding[] }).findings;
}

function asDiagnostic(f: CliFinding): unknown {
  return {
    code: f.ruleId,
    severity: SEVERITY[f.severity],
    message: f.message,
    range: { start: { line: f.line - 1, character: f.column - 1 }, end: { line: f.endLine - 1, character: f.endColumn - 1 } },
  };
}

describe('Neovim', () => {
  it.skipIf(!HAS_NVIM)(`attaches probe-lint lsp, shows the CLI's findings and applies the timeout quick fix${HAS_NVIM ? '' : ' (skipped: nvim is not on PATH; .ci/run installs it with apt-get install neovim)'}`, () => {
    const folder = tempDir();
    fs.cpSync(path.join(FIXTURES, 'lsp'), folder, { recursive: true });
    const file = path.join(folder, 'deployment.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const expected = cliFindings(folder, 'deployment.yaml');
    const out = path.join(folder, 'nvim-report.json');

    const run = spawnSync('nvim', ['--headless', '--clean', '-u', INIT], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PROBE_LINT_NODE: process.execPath, PROBE_LINT_CLI: CLI, PROBE_LINT_ROOT: folder, PROBE_LINT_FILE: file, PROBE_LINT_OUT: out },
    });
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { error?: string; diagnostics: { code: string; severity: number; message: string; range: unknown; codeDescription?: { href: string } }[]; shown: number; fix: string };
    expect(report.error).toBeUndefined();
    expect(run.status).toBe(0);

    // The same findings, severities, messages and ranges as the CLI's, each linking to its rule's page.
    expect(report.diagnostics.map(({ code, severity, message, range }) => ({ code, severity, message, range }))).toEqual(expected.map(asDiagnostic));
    for (const d of report.diagnostics) expect(d.codeDescription?.href).toMatch(new RegExp(`/rules/${d.code}\\.md$`));
    // Neovim took them in as its own diagnostics.
    expect(report.shown).toBe(expected.length);
    // The context mattered: the Service in another file routes to the Deployment.
    expect(expected.map((f) => f.ruleId)).toContain('prestop-hook-missing');

    const timeout = expected.find((f) => f.ruleId === 'probe-timeout-short')!;
    expect(report.fix).toBe(timeout.fix!.description);
    // On disk: the original text with exactly the CLI's fix for that finding.
    const fixed = applyEdits(before, timeout.fix!.edits);
    expect(fs.readFileSync(file, 'utf8')).toBe(fixed);
    expect(fixed).not.toBe(before);
    expect(cliFindings(folder, 'deployment.yaml').map((f) => f.ruleId)).not.toContain('probe-timeout-short');
  });
});
