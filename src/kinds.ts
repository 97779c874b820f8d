// What a Kubernetes object is to probe-lint, in one place: read by the fast
// pre-scan (on plain values) and by the model (on trees), so the two never
// disagree about which documents can hold a finding.

/** A mapping with string `apiVersion` and `kind`. */
export interface ObjectHeader {
  apiVersion: string;
  kind: string;
}

/** Where a kind keeps its pod spec and the pod template's metadata. */
export interface PodLocation {
  spec: string[];
  metadata: string[];
}

const POD_LOCATIONS: Record<string, PodLocation> = {
  Pod: { spec: ['spec'], metadata: ['metadata'] },
  PodTemplate: { spec: ['template', 'spec'], metadata: ['template', 'metadata'] },
  CronJob: { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], metadata: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
};

// Deployments, StatefulSets, Jobs, Argo Rollouts, DeploymentConfigs, Knative Services and any other kind with a pod template.
const TEMPLATE_LOCATION: PodLocation = { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] };

export function podLocation(kind: string): PodLocation {
  return POD_LOCATIONS[kind] ?? TEMPLATE_LOCATION;
}

export type RoutingKind = 'service' | 'ingress' | 'route';

/** Gateway API routes that name Services as backends. */
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

/** Objects that decide who gets traffic: core Services, Ingresses of any group, Gateway API HTTP and gRPC routes. */
export function routingKind(header: ObjectHeader): RoutingKind | null {
  const group = header.apiVersion.includes('/') ? header.apiVersion.slice(0, header.apiVersion.indexOf('/')) : '';
  if (header.kind === 'Service' && group === '') return 'service';
  if (header.kind === 'Ingress') return 'ingress';
  if (ROUTE_KINDS.includes(header.kind) && group === 'gateway.networking.k8s.io') return 'route';
  return null;
}

/** `kind: List`, `PodList`, `ConfigMapList`…: a wrapper whose items are objects of their own kinds. */
export function isList(header: ObjectHeader): boolean {
  return header.kind.endsWith('List');
}

export function headerOf(value: unknown): ObjectHeader | null {
  if (!isRecord(value)) return null;
  const { apiVersion, kind } = value;
  return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : null;
}

/** Whether a plain value (as js-yaml loads it) holds an object a rule reads: a workload with containers, or a routing object. */
function holdsRelevantObject(value: unknown): boolean {
  const header = headerOf(value);
  if (!header) return false;
  const items = (value as Record<string, unknown>).items;
  if (isList(header) && Array.isArray(items)) return items.some(holdsRelevantObject);
  if (routingKind(header)) return true;
  let at: unknown = value;
  for (const key of podLocation(header.kind).spec) at = isRecord(at) ? at[key] : undefined;
  return isRecord(at) && Array.isArray(at.containers);
}

/**
 * Which documents get trees: a test of their values, and one of their text that is false only when no YAML
 * reading of the text passes the first. A document whose text fails it is read for its values only (js-yaml's
 * validity check, SPEC §8), without the frames a tree would be built from.
 */
export interface Relevance {
  holds(value: unknown): boolean;
  mayHold(text: string): boolean;
}

/** Whether a document's text can hold an object a rule reads: a pod spec's `containers` written out (an escape that could spell it is judged by mayHoldRoutingObject), or a routing object. */
function mayHoldRelevantObject(text: string): boolean {
  return text.includes('containers') || mayHoldRoutingObject(text);
}

/** Whether a plain value holds a Service, Ingress or route: all that routing context (--context) reads. */
function holdsRoutingObject(value: unknown): boolean {
  const header = headerOf(value);
  if (!header) return false;
  const items = (value as Record<string, unknown>).items;
  if (isList(header) && Array.isArray(items)) return items.some(holdsRoutingObject);
  return routingKind(header) !== null;
}

/** What a lint reads: workloads and routing objects. */
export const RELEVANT: Relevance = { holds: holdsRelevantObject, mayHold: mayHoldRelevantObject };
/** What the routing pass and --context read: Services, Ingresses and routes. */
export const ROUTING: Relevance = { holds: holdsRoutingObject, mayHold: mayHoldRoutingObject };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// One list for routingKind and for the text test before it: a kind left out of the test is never parsed.
const ROUTING_KINDS = ['Service', 'Ingress', ...ROUTE_KINDS];
// Double-quoted escapes that can spell a letter (`\x53`, `\u0053`) or join two lines into one word.
const SPELLING_ESCAPE = /\\(?:[xuU]|\r?\n)/;

/**
 * Whether a document's text can hold a Service, Ingress or route, judged on the text alone so that the
 * routing pass (run.ts) parses only the few that can: one of the kinds written as a whole scalar (plain,
 * quoted, in flow, on a line of its own as a block scalar's, after a tag or anchor), or an escape that could
 * spell one. False only when no YAML reading of the text has such a kind.
 */
function mayHoldRoutingObject(text: string): boolean {
  for (const kind of ROUTING_KINDS) {
    for (let at = text.indexOf(kind); at !== -1; at = text.indexOf(kind, at + 1)) {
      if (wholeScalarAt(text, at, kind.length)) return true;
    }
  }
  return text.includes('\\') && SPELLING_ESCAPE.test(text);
}

/** Whether text[at, at + length) stands alone as a scalar: after `:`, `-`, `?`, `,`, `[`, `{`, a property or a line start, and before a line end, comment, `,`, `]` or `}`, quotes and blanks around it allowed. */
function wholeScalarAt(text: string, at: number, length: number): boolean {
  let after = at + length;
  if (text[after] === '"' || text[after] === "'") after++;
  while (text[after] === ' ' || text[after] === '\t' || text[after] === '\r') after++;
  if (after < text.length && !'\n#,]}'.includes(text[after]!)) return false;
  let before = at - 1;
  if (text[before] === '"' || text[before] === "'") before--;
  while (text[before] === ' ' || text[before] === '\t') before--;
  if (before < 0 || ':-?,[{\n|>'.includes(text[before]!)) return true;
  // A tag or anchor (`!!str Service`, `&kind Service`) just before it.
  let word = before;
  while (word >= 0 && !' \t\n'.includes(text[word]!)) word--;
  return text[word + 1] === '!' || text[word + 1] === '&';
}
