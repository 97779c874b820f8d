// Inputs that used to take minutes (issue 10). Not benchmarks: each case took far longer than the
// test timeout before the fix and takes a second or two after, so a return to quadratic work fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, withoutTools } from './helpers.js';

describe('inputs that grew quadratically', () => {
  it('a file of 2,500 anchors and aliases (was 91 s)', () => {
    const dir = tempDir();
    let text = 'apiVersion: v1\nkind: List\nitems:\n';
    for (let i = 0; i < 2500; i++) {
      text += `  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d${i}}\n    spec:\n      template:\n        spec:\n          containers:\n            - name: c\n              image: x\n              readinessProbe: &p${i}\n                httpGet: {path: /, port: 80}\n              livenessProbe: *p${i}\n`;
    }
    fs.writeFileSync(path.join(dir, 'aliases.yaml'), text);
    const result = cli(['-f', 'json', 'aliases.yaml'], { cwd: dir, env: withoutTools() });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary.containers).toBe(2500);
    expect(report.findings.length).toBeGreaterThan(2500);
  });

  it('a chain of 3,000 kustomizations (was 90 s and a gigabyte)', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'k0'));
    fs.writeFileSync(path.join(dir, 'k0', 'kustomization.yaml'), 'resources:\n  - deploy.yaml\n');
    fs.writeFileSync(path.join(dir, 'k0', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x\n');
    for (let i = 1; i < 3000; i++) {
      fs.mkdirSync(path.join(dir, `k${i}`));
      fs.writeFileSync(path.join(dir, `k${i}`, 'kustomization.yaml'), `resources:\n  - ../k${i - 1}\n`);
    }
    const result = cli(['-f', 'json', '.'], { cwd: dir, env: withoutTools() });
    const report = JSON.parse(result.stdout);
    // Only the top of the chain is an overlay to render; the Deployment is linted as it is.
    expect(report.notices.map((n: { file: string }) => n.file)).toEqual(['k2999']);
    expect(report.summary.containers).toBe(1);
  });

  it('a liveness command of 1 MB against the default dependency patterns (480 KB took 22 s)', () => {
    const dir = tempDir();
    // Every `curl` and `pg_isready` is a place a pattern starts scanning to the end: quadratic without a bound.
    const command = JSON.stringify(['sh', '-c', 'curl pg_isready '.repeat(65_000)]);
    fs.writeFileSync(
      path.join(dir, 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x\n      livenessProbe:\n        exec: {command: ${command}}\n        timeoutSeconds: 5\n        failureThreshold: 6\n`,
    );
    const result = cli(['-f', 'json', 'pod.yaml'], { cwd: dir, env: withoutTools() });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).summary.containers).toBe(1);
  });
});
