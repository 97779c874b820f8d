// The Action's token never reaches a renderer's tool: helm and kubectl run with
// the environment minus the step's inputs (INPUT_GITHUB-TOKEN among them),
// GITHUB_TOKEN and the runner's tokens. A fake helm first on PATH writes what it was given to a file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION, actionEnvironment, tempDir, tempTree } from './helpers.js';

const TOKEN = 'ghs_secret_token_a_chart_must_not_see';

/** A directory holding an executable `helm` that records its environment in `out` and renders one Deployment. */
function fakeHelm(out: string): string {
  const bin = tempDir();
  const script = [
    `#!${process.execPath}`,
    `require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env));`,
    `process.stdout.write('apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: app\\nspec:\\n  template:\\n    spec:\\n      containers:\\n        - name: app\\n          image: app:1\\n');`,
  ].join('\n');
  fs.writeFileSync(path.join(bin, 'helm'), script, { mode: 0o755 });
  return bin;
}

describe('the tools a render runs', () => {
  it('do not see the Action\'s token: no INPUT_ variable, no GITHUB_TOKEN, the rest of the environment as it was', () => {
    const out = path.join(tempDir(), 'helm-env.json');
    const workspace = tempTree({
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/templates/deployment.yaml': 'kind: Deployment\n',
    });
    fs.mkdirSync(path.join(workspace, '.git'));
    const inputs = { 'github-token': TOKEN, paths: 'charts', 'fail-on': 'never', 'sarif-file': 'probe-lint.sarif', suggestions: 'true', annotations: 'true' };
    const { env, outputFile: output } = actionEnvironment(workspace, inputs, {
      PATH: `${fakeHelm(out)}${path.delimiter}/usr/bin${path.delimiter}/bin`,
      HELM_CACHE_HOME: path.join(workspace, '.helm'),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_TOKEN: TOKEN,
      ACTIONS_RUNTIME_TOKEN: TOKEN,
    });
    const run = spawnSync(process.execPath, [ACTION], { cwd: workspace, env, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
    expect(Object.keys(seen).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    expect(seen.GITHUB_TOKEN).toBeUndefined();
    expect(seen.ACTIONS_RUNTIME_TOKEN).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
    // What a tool needs still reaches it.
    expect(seen.PATH).toBe(env.PATH);
    expect(seen.HELM_CACHE_HOME).toBe(env.HELM_CACHE_HOME);
    expect(seen.GITHUB_WORKSPACE).toBe(workspace);
    // The render succeeded (a failed one is a render-failed finding): helm ran with what it needs.
    expect(run.stdout).not.toContain('render-failed');
    expect(fs.readFileSync(output, 'utf8')).toMatch(/^findings<<(\S+)\n0\n\1$/m);
  });
});
