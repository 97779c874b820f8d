// Once per test run, before any test file: build the CLI and Action bundles from
// the current source into a temp directory, with the same esbuild options as
// `npm run bundle`. End-to-end tests spawn these (helpers.ts CLI and ACTION), so a
// change in src/ is tested there even before the committed bundles are rebuilt;
// test/package.test.ts fails while the committed ones differ.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freshBundles } from '../scripts/bundle.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory holding bin/probe-lint.js and action/index.js built from the current source. */
    bundles: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-bundles-'));
  await freshBundles(dir);
  project.provide('bundles', dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
