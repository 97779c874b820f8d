import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';
import { FIXTURES, tempTree } from './helpers.js';

const dir = path.join(FIXTURES, 'unused-suppression');

describe('suppressions', () => {
  it('hide the finding on the next line, and only there', async () => {
    const result = await run({ paths: ['comments.yaml'], cwd: dir });
    const timeouts = result.findings.filter((f) => f.ruleId === 'probe-timeout-short');
    expect(timeouts).toEqual([]);
    expect(result.summary.suppressed).toBe(1);
  });

  it('hide every listed rule on an object and its pod template', async () => {
    const result = await run({ paths: ['annotations.yaml'], cwd: dir });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['unused-suppression']);
    expect(result.summary.suppressed).toBe(2);
  });

  it('hide the rest of a file after # probe-lint-disable, and nothing before it', async () => {
    const pod = (name: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: ${name}\n      readinessProbe:\n        exec: {command: [check]}\n`;
    const root = tempTree({ 'pods.yaml': `${pod('before')}---\n# probe-lint-disable probe-timeout-short -- exec checks are instant here\n${pod('after')}` });
    const result = await run({ paths: ['pods.yaml'], cwd: root });
    expect(result.findings.filter((f) => f.ruleId === 'probe-timeout-short').map((f) => f.container)).toEqual(['before']);
  });

  it('are not reported as unused when unused-suppression is off', async () => {
    const result = await run({ paths: ['comments.yaml'], cwd: dir, ruleFlags: ['unused-suppression=off'] });
    expect(result.findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
  });
});
