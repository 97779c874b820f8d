// File-system questions the input walk, the fixer and the Action all ask: one answer each.
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { nodeCrypto } from './crypto.js';

/** Whether `target` is `root` or below it (a name such as `..config` below it counts). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * A new file beside `target` with a random name, created exclusively (mode 0600 until the caller says
 * otherwise): nothing planted under a predictable name is ever followed or reused.
 */
export async function createTempBeside(target: string, tag: string): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${nodeCrypto().randomBytes(8).toString('hex')}.tmp`);
    try {
      return { path: candidate, handle: await fs.open(candidate, 'wx', 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 5) throw error;
    }
  }
}
