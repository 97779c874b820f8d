// What a finding keeps of its file once the file is let go (source.ts excerpt): every offset and line it
// shows must read as in the whole text, and anything else is a bug that says so.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { excerpt, lineText, linesAround, positionOf, type SourceFile } from '../src/source.js';
import { REPO } from './helpers.js';

const file = (text: string): SourceFile => ({ path: 'x.yaml', absPath: '/x.yaml', text, bom: false });

/** Every offset in each span (and the lines from the one before it), read through the excerpt and the whole text. */
function sameThrough(whole: SourceFile, spans: { start: number; end: number }[]): void {
  const part = excerpt(whole, spans);
  expect(part.text).toBe('');
  for (const span of spans) {
    for (let offset = span.start; offset <= span.end; offset++) expect(positionOf(part, offset), `offset ${offset}`).toEqual(positionOf(whole, offset));
    const first = Math.max(1, positionOf(whole, span.start).line - 1);
    for (let line = first; line <= positionOf(whole, span.end).line; line++) expect(lineText(part, line), `line ${line}`).toBe(lineText(whole, line));
    expect(linesAround(part, span.start, span.end)).toEqual(linesAround(whole, span.start, span.end));
  }
}

describe('an excerpt of a file', () => {
  const text = fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8');

  it('reads its spans, in windows that merge where they touch, as the whole text does', () => {
    const whole = file(text);
    const at = (needle: string) => {
      const start = text.indexOf(needle);
      expect(start).toBeGreaterThan(0);
      return { start, end: start + needle.length };
    };
    const spans = [at('timeoutSeconds: 2'), at('failureThreshold: 3'), at('kind: Deployment')];
    sameThrough(whole, spans);
    // Two spans on neighbouring lines share a window; a far one has its own.
    expect(excerpt(whole, spans).windows!.length).toBe(2);
  });

  it('reads an offset past the end of a text without a final line break as the whole text does', () => {
    const whole = file('a: 1\nb: 2');
    sameThrough(whole, [{ start: 8, end: 11 }]);
    expect(lineText(excerpt(whole, [{ start: 8, end: 11 }]), 3)).toBe('');
  });

  it('refuses an offset it does not keep rather than guess', () => {
    const whole = file(text);
    const start = text.indexOf('timeoutSeconds: 2');
    const part = excerpt(whole, [{ start, end: start + 5 }]);
    expect(() => positionOf(part, 0)).toThrow(/offset 0 is not in the lines kept/);
  });
});
