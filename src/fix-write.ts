// Writing fixed files: each to its real path, atomically (a temporary file
// beside it, renamed over it), with its mode and owner kept, and only while
// the bytes on disk are still those the fixes were made against.
import fs, { type FileHandle } from 'node:fs/promises';
import { replaceBeside } from './files.js';

export interface FixedFile {
  path: string;
  /** As it was named or found: a symlink stays one. */
  absPath: string;
  /** The real file behind `absPath`: what is written. */
  target: string;
  before: string;
  after: string;
  bom: boolean;
  fixes: number;
}

/** A file --fix leaves as it is, and why. */
export interface Refusal {
  path: string;
  reason: string;
}

/**
 * Replaces one file with new bytes, unless what is on disk is no longer `expected` (what the fixes were made
 * against): then it returns why it did not. File-system errors are thrown.
 */
export type ReplaceFile = (target: string, bytes: Buffer, expected: Buffer) => Promise<string | null>;

/**
 * Writes each fixed file to its real path; a file that changed on disk since it was read, or that cannot be
 * written, is left as it is and returned with the reason, and the others are still written.
 */
export async function writeFixed(files: readonly FixedFile[], replace: ReplaceFile = replaceFile): Promise<Refusal[]> {
  const unwritten: Refusal[] = [];
  for (const file of files) {
    const bom = file.bom ? '\uFEFF' : '';
    let reason: string | null;
    try {
      reason = await replace(file.target, Buffer.from(bom + file.after, 'utf8'), Buffer.from(bom + file.before, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Anything but the file system saying no is a bug: let it surface as one.
      if (typeof code !== 'string') throw error;
      // `EACCES: permission denied, open '/k8s/.app.yaml.probe-lint-….tmp'`: the temporary name means nothing to the reader.
      const said = (error as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '');
      reason = `cannot write it (${code}: ${said})`;
    }
    if (reason !== null) unwritten.push({ path: file.path, reason });
  }
  return unwritten;
}

/**
 * Writes a temporary file of a random name beside the target, created exclusively (a name planted in
 * advance, a symlink included, makes the open fail rather than be followed), with the target's mode
 * (and owner, where the system allows), checks the target still holds what the fixes were made
 * against, and renames it over the target: readers see the old file or the new, never half of one.
 */
export async function replaceFile(target: string, bytes: Buffer, expected: Buffer): Promise<string | null> {
  const { mode, uid, gid } = await fs.stat(target);
  return replaceBeside(target, bytes, {
    mode: mode & 0o7777,
    prepare: (handle) => keepOwner(handle, uid, gid),
    // Compared last, so that an editor's save has the smallest window to slip in before the rename.
    check: async () => ((await fs.readFile(target)).equals(expected) ? null : 'it changed on disk while --fix ran, so the fixes would undo that change; run --fix again'),
  });
}

/** Root fixing someone else's file gives it back to them; anyone else cannot, and keeps what the system gives. */
async function keepOwner(handle: FileHandle, uid: number, gid: number): Promise<void> {
  const own = await handle.stat();
  if (own.uid !== uid || own.gid !== gid) await handle.chown(uid, gid).catch(() => undefined);
}
