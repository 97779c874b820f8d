// Large JSON reports in pieces: the array of findings (or results) is laid out one item at a time, so that a
// report of many findings is never one string in memory (SPEC §8), byte for byte as JSON.stringify lays out
// the whole.

// Stands for the items while the rest is laid out: no string value of ours or of a manifest's looks like it
// at that place (it comes before everything taken from the files).
const ITEMS = '\u0000probe-lint items\u0000';

/**
 * Where the items go in `value`: an array holding the placeholder, or an empty one when there are none. Typed
 * as an array of anything (never[]), since jsonPieces puts the items there before any of it is read.
 */
export function itemsSlot(count: number): never[] {
  return count > 0 ? [ITEMS as never] : [];
}

/**
 * JSON.stringify(value, null, 2) followed by a line break, in pieces, with the array that `itemsSlot` filled
 * laid out as `items` one by one, each made by `item`.
 */
export function* jsonPieces<T>(value: unknown, items: readonly T[], item: (each: T, index: number) => unknown): Generator<string> {
  const text = JSON.stringify(value, null, 2) + '\n';
  const placeholder = JSON.stringify(ITEMS);
  const at = text.indexOf(placeholder);
  if (at === -1) {
    yield text;
    return;
  }
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = text.slice(lineStart, at);
  yield text.slice(0, lineStart);
  for (const [index, each] of items.entries()) {
    const laidOut = JSON.stringify(item(each, index), null, 2).replace(/\n/g, `\n${indent}`);
    yield `${indent}${laidOut}${index < items.length - 1 ? ',' : ''}\n`;
  }
  yield text.slice(at + placeholder.length + 1);
}
