// Issue 9: renaming any workload, Service or container changes no finding.
// Every fixture and sample is linted as written and again with its names
// replaced (neutral ones, then ones a name heuristic would latch onto), and the
// findings must be the same once the new names are mapped back.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { RULES } from '../rules/index.js';
import type { RuleSettings } from '../src/engine.js';
import { toReport } from '../src/format/report.js';
import { run } from '../src/run.js';
import { FIXTURES, REPO, tempTree } from './helpers.js';

// ------------------------------------------------------------------ inputs

const YAML_FILE = /\.(ya?ml|json)$/;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) return filesUnder(abs);
      return e.isFile() && YAML_FILE.test(e.name) ? [abs] : [];
    });
}

/** Every YAML/JSON fixture (rule folders, fixes/, invalid-yaml/, `.fixed.yaml` goldens) and every sample, relative to the repository. */
const FILES = [...filesUnder(FIXTURES), ...filesUnder(path.join(REPO, 'samples'))].map((abs) => path.relative(REPO, abs));

// ------------------------------------------------------------------ finding the names

/** A name scalar to replace: its exact text range in the file. */
interface NameSite {
  start: number;
  end: number;
  value: string;
  quote: '' | '"' | "'";
}

interface Scan {
  /** False when the file does not parse: it is kept as it is. */
  parsed: boolean;
  objects: number;
  sites: NameSite[];
}

const CONTAINER_KEYS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

type AnyDoc = Document.Parsed;

function resolve(node: unknown, doc: AnyDoc): Node | undefined {
  if (isAlias(node)) return node.resolve(doc);
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

function keyOf(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** The value of a map key as kubectl reads it: written keys first, then `<<` merge sources in order. */
function get(node: Node | undefined, key: string, doc: AnyDoc, seen = new Set<Node>()): Node | undefined {
  if (!isMap(node) || seen.has(node)) return undefined;
  seen.add(node);
  const own = node.items.find((pair) => keyOf(pair.key) === key);
  if (own) return resolve(own.value, doc);
  for (const pair of node.items) {
    if (keyOf(pair.key) !== '<<') continue;
    const source = resolve(pair.value, doc);
    const sources = isSeq(source) ? source.items.map((item) => resolve(item, doc)) : [source];
    for (const s of sources) {
      const found = get(s, key, doc, seen);
      if (found) return found;
    }
  }
  return undefined;
}

function items(node: Node | undefined, doc: AnyDoc): Node[] {
  return isSeq(node) ? node.items.flatMap((item) => resolve(item, doc) ?? []) : [];
}

function stringOf(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** A string scalar written on one line, plain or quoted: what can be replaced in place. */
function site(node: Node | undefined, text: string): NameSite | null {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '' || !node.range) return null;
  const [start, end] = node.range;
  const written = text.slice(start, end);
  if (written.includes('\n') || written.includes('\r')) return null;
  const scalar = node as Scalar<string>;
  if (scalar.type === 'PLAIN') return written === scalar.value ? { start, end, value: scalar.value, quote: '' } : null;
  if (scalar.type === 'QUOTE_DOUBLE' && written.startsWith('"')) return { start, end, value: scalar.value, quote: '"' };
  if (scalar.type === 'QUOTE_SINGLE' && written.startsWith("'")) return { start, end, value: scalar.value, quote: "'" };
  return null;
}

/** Kubernetes objects of a document, `kind: List` and any `*List` opened into their items. */
function objectsOf(node: Node | undefined, doc: AnyDoc): YAMLMap[] {
  if (!isMap(node)) return [];
  const kind = stringOf(get(node, 'kind', doc));
  if (kind === undefined || stringOf(get(node, 'apiVersion', doc)) === undefined) return [];
  const listed = kind.endsWith('List') ? items(get(node, 'items', doc), doc).flatMap((item) => objectsOf(item, doc)) : [];
  return [node, ...listed];
}

/** Every `name` of an item of `containers`, `initContainers` and `ephemeralContainers`, wherever the pod spec is. */
function containerNames(node: Node | undefined, doc: AnyDoc, seen: Set<Node>): Node[] {
  if (!node || seen.has(node)) return [];
  seen.add(node);
  if (isSeq(node)) return items(node, doc).flatMap((item) => containerNames(item, doc, seen));
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => {
    const value = resolve(pair.value, doc);
    const own = CONTAINER_KEYS.has(String(keyOf(pair.key))) ? items(value, doc).flatMap((c) => get(c, 'name', doc) ?? []) : [];
    return [...own, ...containerNames(value, doc, seen)];
  });
}

/** Service names an Ingress or a Gateway API route sends traffic to. */
function backendNames(object: YAMLMap, kind: string, doc: AnyDoc): Node[] {
  const spec = get(object, 'spec', doc);
  if (kind === 'Ingress') {
    const backends = [get(spec, 'defaultBackend', doc), get(spec, 'backend', doc)];
    for (const rule of items(get(spec, 'rules', doc), doc)) {
      for (const p of items(get(get(rule, 'http', doc), 'paths', doc), doc)) backends.push(get(p, 'backend', doc));
    }
    return backends.flatMap((b) => [get(get(b, 'service', doc), 'name', doc), get(b, 'serviceName', doc)].flatMap((n) => n ?? []));
  }
  if (kind === 'HTTPRoute' || kind === 'GRPCRoute') {
    return items(get(spec, 'rules', doc), doc).flatMap((rule) =>
      items(get(rule, 'backendRefs', doc), doc).flatMap((ref) => {
        const refKind = stringOf(get(ref, 'kind', doc)) ?? 'Service';
        const group = stringOf(get(ref, 'group', doc)) ?? '';
        return refKind === 'Service' && group === '' ? (get(ref, 'name', doc) ?? []) : [];
      }),
    );
  }
  return [];
}

function scan(text: string): Scan {
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false });
  if (docs.some((doc) => doc.errors.length > 0)) return { parsed: false, objects: 0, sites: [] };
  const nodes: Node[] = [];
  let objects = 0;
  for (const doc of docs) {
    const seen = new Set<Node>();
    for (const object of objectsOf(resolve(doc.contents, doc), doc)) {
      objects++;
      const kind = stringOf(get(object, 'kind', doc)) ?? '';
      const name = get(get(object, 'metadata', doc), 'name', doc);
      if (name) nodes.push(name);
      nodes.push(...backendNames(object, kind, doc), ...containerNames(object, doc, seen));
    }
  }
  // A node reached twice (an anchor and its aliases, a List and its items) is replaced once.
  const byStart = new Map<number, NameSite>();
  for (const node of nodes) {
    const s = site(node, text);
    if (s) byStart.set(s.start, s);
  }
  return { parsed: true, objects, sites: [...byStart.values()].sort((a, b) => a.start - b.start) };
}

// ------------------------------------------------------------------ renaming

/** Names a heuristic on Service, workload or container names would latch onto. */
const SUSPICIOUS = [
  'prometheus',
  'metrics-server',
  'debug-pod',
  'grafana-monitoring',
  'pprof',
  'node-exporter',
  'kube-state-metrics',
  'prom-metrics',
  'profiler',
  'monitoring',
  'metrics',
  'debug',
  'alertmanager',
  'pushgateway',
  'statsd-exporter',
  'jaeger-agent',
  'istio-proxy',
  'envoy-sidecar',
  'linkerd-proxy',
  'pause',
  'sleep',
  'migrate-job',
  'cron-batch',
  'healthz',
];

type Namer = (index: number) => string;

const MAPPINGS: Record<string, Namer> = {
  neutral: (i) => `n${i + 1}`,
  suspicious: (i) => {
    const base = SUSPICIOUS[i % SUSPICIOUS.length]!;
    const round = Math.floor(i / SUSPICIOUS.length);
    return round === 0 ? base : `${base}-${round + 1}`;
  },
};

interface Renamed {
  text: string;
  /** Original name → new name, one new name per distinct original within the file. */
  names: Map<string, string>;
  sites: number;
}

/** New names, each distinct and absent from the original text, so messages map back without ambiguity. */
function mappingFor(values: readonly string[], text: string, namer: Namer): Map<string, string> {
  const names = new Map<string, string>();
  let next = 0;
  for (const value of values) {
    if (names.has(value)) continue;
    let candidate = namer(next++);
    while (text.includes(candidate)) candidate = namer(next++);
    names.set(value, candidate);
  }
  return names;
}

/** Splices the new names at the scalars' exact ranges; every other byte stays as written. */
function rename(text: string, sites: readonly NameSite[], namer: Namer): Renamed {
  const names = mappingFor(
    sites.map((s) => s.value),
    text,
    namer,
  );
  let out = '';
  let at = 0;
  for (const s of sites) {
    out += text.slice(at, s.start) + s.quote + names.get(s.value)! + s.quote;
    at = s.end;
  }
  return { text: out + text.slice(at), names, sites: sites.length };
}

// ------------------------------------------------------------------ linting

/** Every rule on, those off by default as warnings. */
const SETTINGS: ReadonlyMap<string, RuleSettings> = new Map(RULES.filter((r) => r.severity === 'off').map((r) => [r.id, { severity: 'warning' as const }]));

/** One line per finding, sorted: everything but the column, with new names mapped back to the original ones. */
async function findings(name: string, text: string, back: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const cwd = tempTree({ [name]: text });
  const result = await run({ paths: [name], cwd, settings: SETTINGS });
  const unmap = (s: string): string => [...back].reduce((acc, [now, was]) => acc.split(`"${now}"`).join(`"${was}"`), s);
  return toReport(result, '0.0.0')
    .findings.map(({ finding, line }) => {
      const fix = finding.fix ? (finding.fix.safe ? 'fix:safe' : 'fix:unsafe') : 'fix:none';
      return [`line ${line}`, finding.severity, finding.ruleId, finding.probe ?? '-', fix, unmap(finding.message)].join(' ');
    })
    .sort();
}

const scans = new Map(FILES.map((file) => [file, scan(fs.readFileSync(path.join(REPO, file), 'utf8'))]));
const originals = new Map<string, Promise<string[]>>();

/** The original's findings, linted once for both mappings. */
function originalFindings(file: string): Promise<string[]> {
  let found = originals.get(file);
  if (!found) {
    found = findings(path.basename(file), fs.readFileSync(path.join(REPO, file), 'utf8'));
    originals.set(file, found);
  }
  return found;
}

// ------------------------------------------------------------------ tests

describe('renaming workloads, Services and containers', () => {
  it('covers the fixtures: names are found and replaced in nearly every file with objects', () => {
    const withObjects = FILES.filter((f) => scans.get(f)!.objects > 0);
    const withNames = FILES.filter((f) => scans.get(f)!.sites.length > 0);
    const sites = [...scans.values()].reduce((n, s) => n + s.sites.length, 0);
    expect(FILES.length).toBeGreaterThan(50);
    expect(withObjects.length).toBeGreaterThan(40);
    expect(withNames.length / withObjects.length).toBeGreaterThanOrEqual(0.9);
    expect(sites).toBeGreaterThan(100);
  });

  it('splices in place: same lines, same structure, only the names differ', () => {
    for (const [mapping, namer] of Object.entries(MAPPINGS)) {
      for (const file of FILES) {
        const text = fs.readFileSync(path.join(REPO, file), 'utf8');
        const found = scans.get(file)!;
        const renamed = rename(text, found.sites, namer);
        const where = `${file} (${mapping})`;
        expect(renamed.text.split('\n').length, where).toBe(text.split('\n').length);
        if (found.sites.length === 0) {
          expect(renamed.text, where).toBe(text);
          continue;
        }
        expect(renamed.text, where).not.toBe(text);
        const again = scan(renamed.text);
        expect(again.parsed, where).toBe(true);
        expect(again.objects, where).toBe(found.objects);
        expect(
          again.sites.map((s) => s.value),
          where,
        ).toEqual(found.sites.map((s) => renamed.names.get(s.value)));
      }
    }
  });

  it('has findings to compare', async () => {
    const all = await Promise.all(FILES.map(originalFindings));
    expect(all.flat().length).toBeGreaterThan(50);
    expect(all.filter((f) => f.length > 0).length).toBeGreaterThan(20);
  });

  for (const [mapping, namer] of Object.entries(MAPPINGS)) {
    describe(`${mapping} names`, () => {
      for (const file of FILES) {
        it(`changes no finding of ${file}`, async () => {
          const found = scans.get(file)!;
          if (found.sites.length === 0) return; // no objects, or does not parse (invalid-yaml): nothing to rename
          const text = fs.readFileSync(path.join(REPO, file), 'utf8');
          const renamed = rename(text, found.sites, namer);
          const back = new Map([...renamed.names].map(([was, now]) => [now, was]));
          const before = await originalFindings(file);
          const after = await findings(path.basename(file), renamed.text, back);
          const names = [...renamed.names].map(([was, now]) => `${was} → ${now}`).join(', ');
          expect(after.join('\n'), `${file} renamed (${names})`).toBe(before.join('\n'));
        });
      }
    });
  }
});
