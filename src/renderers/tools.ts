// Running helm, kubectl and any other renderer's tool: found on PATH, run
// with a time limit, at most as many at once as there are CPUs, and each
// argument list once per invocation (--fix lints up to ten times).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ToolResult } from './renderer.js';

/** The executable of that name on PATH, or null. */
export function findTool(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** SPEC §1: each render gets 60 s unless --render-timeout says otherwise. */
export const DEFAULT_RENDER_SECONDS = 60;

export interface ToolRunner {
  run(tool: string, args: string[]): Promise<ToolResult>;
}

/** A runner for one invocation; `cache` keeps results across the fixer's passes. */
export function toolRunner(options: { cwd: string; seconds?: number; cache?: Map<string, Promise<ToolResult>> }): ToolRunner {
  const limit = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const seconds = options.seconds ?? DEFAULT_RENDER_SECONDS;
  const cache = options.cache ?? new Map<string, Promise<ToolResult>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running < limit) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    run(tool, args) {
      const key = runKey(tool, args);
      let result = cache.get(key);
      if (!result) {
        result = slot().then(() => execute(tool, args, options.cwd, seconds).finally(release));
        cache.set(key, result);
      }
      return result;
    },
  };
}

// A run is known by its tool and arguments, which name the rendered directory.
function runKey(tool: string, args: readonly string[]): string {
  return [tool, ...args].join('\0');
}

/** The cached runs without those that name one of `dirs` (absolute) among their arguments: what must render again. */
export function forgetRendersOf(cache: ReadonlyMap<string, Promise<ToolResult>>, dirs: ReadonlySet<string>): Map<string, Promise<ToolResult>> {
  return new Map([...cache].filter(([key]) => !key.split('\0').some((arg) => dirs.has(arg))));
}

/**
 * The environment a tool runs with: this process's, without the credentials a
 * GitHub runner gives the Action. A step's inputs (`INPUT_GITHUB-TOKEN`, a
 * token with `pull-requests: write`), GITHUB_TOKEN and the runner's own
 * tokens are nothing helm or kubectl needs, and a chart's or overlay's plugins
 * run with what the tool has.
 */
function toolEnvironment(): NodeJS.ProcessEnv {
  const secret = (name: string): boolean =>
    /^INPUT_/i.test(name) || ['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL'].includes(name.toUpperCase());
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !secret(name)));
}

function execute(tool: string, args: string[], cwd: string, seconds: number): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { cwd, env: toolEnvironment(), maxBuffer: 256 * 1024 * 1024, timeout: seconds * 1000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ text: String(stdout) });
      // Killed at the time limit: stderr then holds whatever the tool had said so far, not why it stopped.
      if (error.killed) return resolve({ error: `did not finish within ${seconds} s (--render-timeout)` });
      resolve({ error: lastWords(String(stderr)) ?? error.message });
    });
  });
}

/**
 * Why a tool failed, in one line. kubectl prefixes it with a klog header
 * (`E1123 21:20:50.302897   24376 run.go:72] `); helm says why from its
 * `Error: ` line on, continued on indented lines, and may add a hint after it
 * (`Use --debug flag to render out invalid YAML`).
 */
function lastWords(stderr: string): string | null {
  const lines = stderr.trimEnd().split('\n').filter((line) => line.trim() !== '');
  const at = lines.map((line) => line.startsWith('Error: ')).lastIndexOf(true);
  const continued = at === -1 ? [] : lines.slice(at + 1).filter((_, i, rest) => rest.slice(0, i + 1).every((l) => /^\s/.test(l)));
  const last = at === -1 ? lines.at(-1)?.trim() : [lines[at]!, ...continued.map((line) => line.trim())].join(' ');
  return last === undefined ? null : last.replace(/^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] /, '').replace(/^Error: /, '');
}
