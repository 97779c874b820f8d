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
async function createTempBeside(target: string): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(path.dirname(target), `.${path.basename(target)}.probe-lint-${nodeCrypto().randomBytes(8).toString('hex')}.tmp`);
    try {
      return { path: candidate, handle: await fs.open(candidate, 'wx', 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 5) throw error;
    }
  }
}

export interface ReplaceOptions {
  /** The new file's mode (it is 0600 while written). */
  mode: number;
  /** Run on the written file before it takes the target's place: an owner to keep. */
  prepare?: (handle: FileHandle) => Promise<void>;
  /** Asked last, just before the rename: a reason not to replace the target after all, or null. */
  check?: () => Promise<string | null>;
}

/**
 * Replaces `target` with `content` through a new file beside it (createTempBeside) renamed over it: a reader,
 * or a run that stops half-way, sees the old file or the new, never half of one. Returns `check`'s reason when
 * it refused, else null; the file beside is removed whenever it does not take the target's place.
 */
export async function replaceBeside(target: string, content: string | Buffer, options: ReplaceOptions): Promise<string | null> {
  const temp = await createTempBeside(target);
  try {
    try {
      await temp.handle.writeFile(content);
      await temp.handle.chmod(options.mode);
      await options.prepare?.(temp.handle);
    } finally {
      await temp.handle.close();
    }
    const refused = (await options.check?.()) ?? null;
    if (refused === null) await fs.rename(temp.path, target);
    else await fs.rm(temp.path, { force: true });
    return refused;
  } catch (error) {
    await fs.rm(temp.path, { force: true });
    throw error;
  }
}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOENT: 'its directory does not exist; create it first',
  ENOTDIR: 'a part of its path is a file, not a directory',
  EISDIR: 'it is a directory; name a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** Why a file could not be written, in its user's terms rather than as an errno: null for an error without words here. */
export function writeProblem(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && WRITE_PROBLEMS[code]) ?? null;
}
