// Checking SARIF logs as code scanning would: the official 2.1.0 schema, and
// Microsoft's validator with GitHub's ingestion rules. A module of its own so
// that only the tests that check SARIF load ajv.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { REPO, tempDir } from './helpers.js';

export const SARIF_SCHEMA = path.resolve(REPO, '..', 'shared', 'schemas', 'sarif-schema-2.1.0.json');
export const MULTITOOL = path.join(REPO, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

type Validate = ReturnType<InstanceType<typeof AjvDraft04.default>['compile']>;
let compiled: Validate | null = null;

/** The schema's validator, compiled once per test file; it throws when ../shared holds no schema. */
export function sarifSchemaValidator(): Validate {
  if (!compiled) {
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    compiled = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
  }
  return compiled;
}

/** Errors Microsoft's validator finds with GitHub's ingestion rules; it exits 0 either way. */
export function githubValidatorErrors(text: string): string[] {
  const dir = tempDir();
  const input = path.join(dir, 'in.sarif');
  const output = path.join(dir, 'out.sarif');
  fs.writeFileSync(input, text);
  const run = spawnSync(MULTITOOL, ['validate', input, '--rule-kind', 'Gh', '-o', output], { encoding: 'utf8' });
  if (!fs.existsSync(output)) throw new Error(`validator wrote nothing: ${run.stderr || run.stdout}`);
  const log = JSON.parse(fs.readFileSync(output, 'utf8'));
  return log.runs.flatMap((r: any) => r.results ?? []).filter((r: any) => r.level === 'error').map((r: any) => `${r.ruleId} ${JSON.stringify(r.message)}`);
}
