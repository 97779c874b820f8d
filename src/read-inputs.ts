// Manifests from disk (or the fixer's texts) to SourceFiles: bounded reads, strict UTF-8 with a lenient
// fallback, BOMs set aside. A run reads its files twice, once for routing and once to lint them one at a
// time (run.ts); `InputTexts` keeps the first pass's texts for the second up to a budget, so that memory
// stays bounded however much is linted and a run of ordinary size reads each file once.
import type { InputFile, Notice } from './inputs.js';
import type { SourceFile } from './source.js';
import { MAX_FILE_BYTES, readBounded } from './tree-files.js';

export type ReadResult = { source: SourceFile } | { notice: Notice };

/** Characters of text kept between the passes (about as many bytes for manifests, which are mostly ASCII). */
const KEPT_TEXT = 32 * 1024 * 1024;

export class InputTexts {
  private readonly kept = new Map<string, SourceFile>();
  private room = KEPT_TEXT;

  constructor(private readonly overrides: ReadonlyMap<string, string> | undefined) {}

  /** The first pass's read, kept for the second while there is room. */
  first(file: InputFile): ReadResult {
    const read = readOne(file, this.overrides?.get(file.absPath));
    if ('source' in read && read.source.text.length <= this.room) {
      this.room -= read.source.text.length;
      this.kept.set(file.absPath, read.source);
    }
    return read;
  }

  /** The second pass's: the kept text, let go now, else the file read again. */
  again(file: InputFile): ReadResult {
    const kept = this.kept.get(file.absPath);
    if (!kept) return readOne(file, this.overrides?.get(file.absPath));
    this.kept.delete(file.absPath);
    return { source: kept };
  }
}

// Bytes are decoded as soon as they are read: one buffer serves every read of ordinary size, so that a run
// of thousands of files leaves no trail of buffers for the collector.
const scratch = Buffer.allocUnsafe(1024 * 1024);

/** Reads are synchronous and bounded (readBounded): a worker pool around them would only add overhead. */
export function readOne(file: InputFile, override: string | undefined): ReadResult {
  // Already text (the fixer's passes): no round trip through bytes.
  if (override !== undefined) return { source: fromText(file.path, file.absPath, override) };
  let bytes: Buffer;
  try {
    // Checked again at the read: the file may have become a FIFO or grown since the walk saw it.
    const read = readBounded(file.absPath, MAX_FILE_BYTES, scratch);
    if ('skipped' in read) return { notice: { file: file.path, line: null, message: `${read.skipped}; skipped` } };
    bytes = read.bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { notice: { file: file.path, line: null, message: `cannot read file (${code}); skipped` } };
  }
  if (bytes.includes(0)) return { notice: { file: file.path, line: null, message: 'binary file skipped' } };
  return { source: decode(file.path, file.absPath, bytes) };
}

/** UTF-8 that throws on bytes that are not: what tells a file --fix may rewrite from one it may not. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
// Files whose bytes were not all UTF-8: their text holds U+FFFD where those bytes were.
const lossy = new WeakSet<SourceFile>();

/** Whether writing a file's text back would not give its bytes back: some were not UTF-8 and read as U+FFFD. */
export function decodedLossily(file: SourceFile): boolean {
  return lossy.has(file);
}

export function decode(displayPath: string, absPath: string | null, bytes: Buffer): SourceFile {
  let text: string;
  let exact = true;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    // Still linted, with U+FFFD for what is not text; only --fix must know.
    text = lenient.decode(bytes);
    exact = false;
  }
  const source = fromText(displayPath, absPath, text);
  if (!exact) lossy.add(source);
  return source;
}

export function fromText(displayPath: string, absPath: string | null, text: string): SourceFile {
  const bom = text.charCodeAt(0) === 0xfeff;
  return { path: displayPath, absPath, text: bom ? text.slice(1) : text, bom };
}
