// Documents → typed objects. Reads trees only; what the API server would
// reject is left for probe-invalid to report, with defaults applied here.
import type {
  Backend,
  Container,
  ContainerPort,
  ContainerRole,
  Handler,
  K8sObject,
  Model,
  PortRef,
  Probe,
  ProbeHandler,
  ProbeType,
  Service,
  ServicePort,
  Setting,
  Workload,
} from './model.js';
import { POD_TERMINATION_GRACE_DEFAULT, PROBE_DEFAULTS } from './model.js';
import { isList, podLocation, routingKind, type ObjectHeader } from './kinds.js';
import type { ParsedFile } from './parse.js';
import {
  entrySpan,
  asMap,
  asScalar,
  asSeq,
  child,
  entry,
  mapAt,
  mapItems,
  stringOf,
  textOf,
  type MapEntry,
  type MapNode,
  type ScalarNode,
  type TreeNode,
} from './tree.js';

type ScalarValue = ScalarNode['value'];

export function buildModel(files: ParsedFile[]): Model {
  const model: Model = { objects: [], workloads: [], services: [], backends: [] };
  for (const parsed of files) {
    for (const document of parsed.documents) {
      if (!document.root || document.root.kind !== 'map') continue;
      for (const node of objectNodes(document.root)) {
        const object = toObject(node, parsed, document);
        if (object) addObject(model, object);
      }
    }
  }
  return model;
}

/** The object itself, or the items of a `List` (`kind: List`, `PodList`, …). */
function objectNodes(root: MapNode): MapNode[] {
  const header = treeHeader(root);
  if (header && isList(header) && asSeq(child(root, 'items'))) return mapItems(child(root, 'items')).flatMap(objectNodes);
  return [root];
}

/** The tree form of kinds.headerOf: string apiVersion and kind. */
function treeHeader(node: MapNode): ObjectHeader | null {
  const apiVersion = stringOf(child(node, 'apiVersion'));
  const kind = stringOf(child(node, 'kind'));
  return apiVersion === undefined || kind === undefined ? null : { apiVersion, kind };
}

function toObject(node: MapNode, parsed: ParsedFile, document: ParsedFile['documents'][number]): K8sObject | null {
  const header = treeHeader(node);
  if (!header) return null;
  const { apiVersion, kind } = header;
  const metadata = mapAt(node, 'metadata');
  const nameEntry = entry(metadata, 'name');
  return {
    ref: {
      apiVersion,
      kind,
      namespace: textOf(child(metadata, 'namespace')) ?? null,
      name: textOf(nameEntry?.value) ?? null,
    },
    file: parsed.file,
    document,
    node,
    annotations: stringMap(child(metadata, 'annotations')),
    ignoreAnnotations: ignoreAnnotations(metadata),
  };
}

export const IGNORE_ANNOTATION = 'probe-lint.dev/ignore';

function ignoreAnnotations(metadata: MapNode | undefined): K8sObject['ignoreAnnotations'] {
  const e = entry(mapAt(metadata, 'annotations'), IGNORE_ANNOTATION);
  const value = textOf(e?.value);
  return e && value !== undefined ? [{ value, span: entrySpan(e) }] : [];
}

function addObject(model: Model, object: K8sObject): void {
  model.objects.push(object);
  switch (routingKind(object.ref)) {
    case 'service':
      model.services.push(toService(object));
      return;
    case 'ingress':
      model.backends.push(...ingressBackends(object));
      return;
    case 'route':
      model.backends.push(...routeBackends(object));
      return;
    case null: {
      const workload = toWorkload(object);
      if (workload) model.workloads.push(workload);
    }
  }
}

// ---------------------------------------------------------------- workloads

const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** Runs to completion: Jobs, CronJobs, Pods that are not restarted (test and hook pods), Helm hooks. */
function isBatch(object: K8sObject, podSpec: MapNode): boolean {
  if (BATCH_KINDS.has(object.ref.kind) || object.annotations['helm.sh/hook'] !== undefined) return true;
  const restart = stringOf(child(podSpec, 'restartPolicy'));
  return object.ref.kind === 'Pod' && (restart === 'Never' || restart === 'OnFailure');
}

function toWorkload(object: K8sObject): Workload | null {
  const location = podLocation(object.ref.kind);
  const podSpec = mapAt(object.node, ...location.spec);
  if (!podSpec || !asSeq(child(podSpec, 'containers'))) return null;
  object.ignoreAnnotations.push(...ignoreAnnotations(mapAt(object.node, ...location.metadata)));
  const grace = entry(podSpec, 'terminationGracePeriodSeconds');
  const graceValue = asScalar(grace?.value)?.value;
  const workload: Workload = {
    object,
    podSpec,
    labels: stringMap(child(mapAt(object.node, ...location.metadata), 'labels')),
    batch: isBatch(object, podSpec),
    hostNetwork: asScalar(child(podSpec, 'hostNetwork'))?.value === true,
    replicas: numberOf(child(mapAt(object.node, 'spec'), 'replicas')),
    strategy: stringOf(child(mapAt(object.node, 'spec', 'strategy'), 'type')) ?? null,
    readinessGates: (asSeq(child(podSpec, 'readinessGates'))?.items.length ?? 0) > 0,
    terminationGracePeriodSeconds: {
      value: typeof graceValue === 'number' && Number.isInteger(graceValue) && graceValue >= 0 ? graceValue : POD_TERMINATION_GRACE_DEFAULT,
      entry: grace ?? null,
    },
    containers: [],
  };
  for (const node of mapItems(child(podSpec, 'containers'))) workload.containers.push(toContainer(workload, node, 'main'));
  for (const node of mapItems(child(podSpec, 'initContainers'))) {
    const sidecar = stringOf(child(node, 'restartPolicy')) === 'Always';
    workload.containers.push(toContainer(workload, node, sidecar ? 'sidecar' : 'init'));
  }
  for (const node of mapItems(child(podSpec, 'ephemeralContainers'))) workload.containers.push(toContainer(workload, node, 'ephemeral'));
  return workload;
}

const PROBE_KEYS: Record<ProbeType, string> = {
  liveness: 'livenessProbe',
  readiness: 'readinessProbe',
  startup: 'startupProbe',
};

function toContainer(workload: Workload, node: MapNode, role: ContainerRole): Container {
  const nameEntry = entry(node, 'name');
  const container: Container = {
    workload,
    role,
    name: textOf(nameEntry?.value) ?? '',
    span: nameEntry ? entrySpan(nameEntry) : node.span,
    node,
    ports: mapItems(child(node, 'ports')).map(toContainerPort),
    probes: {},
    lifecycle: mapAt(node, 'lifecycle') ?? null,
    preStop: null,
    argv: [...strings(child(node, 'command')), ...strings(child(node, 'args'))],
    envValues: mapItems(child(node, 'env')).flatMap((e) => textOf(child(e, 'value')) ?? []),
  };
  for (const type of Object.keys(PROBE_KEYS) as ProbeType[]) {
    const probeEntry = entry(node, PROBE_KEYS[type]);
    if (probeEntry && probeEntry.value !== null && !isNullScalar(probeEntry.value)) {
      container.probes[type] = toProbe(container, type, probeEntry);
    }
  }
  const preStop = entry(container.lifecycle ?? undefined, 'preStop');
  if (preStop && preStop.value && !isNullScalar(preStop.value)) {
    container.preStop = { entry: preStop, handler: handlersOf(container, asMap(preStop.value), true)[0] ?? null };
  }
  return container;
}

function isNullScalar(node: TreeNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

function toContainerPort(node: MapNode): ContainerPort {
  const number = asScalar(child(node, 'containerPort'))?.value;
  return {
    name: stringOf(child(node, 'name')) ?? null,
    number: typeof number === 'number' ? number : null,
    protocol: stringOf(child(node, 'protocol')) ?? 'TCP',
    node,
  };
}

function toProbe(container: Container, type: ProbeType, probeEntry: MapEntry): Probe {
  const node = asMap(probeEntry.value);
  return {
    type,
    container,
    entry: probeEntry,
    node: node ?? null,
    handlers: handlersOf(container, node, false) as ProbeHandler[],
    initialDelaySeconds: setting(node, 'initialDelaySeconds', PROBE_DEFAULTS.initialDelaySeconds),
    timeoutSeconds: setting(node, 'timeoutSeconds', PROBE_DEFAULTS.timeoutSeconds),
    periodSeconds: setting(node, 'periodSeconds', PROBE_DEFAULTS.periodSeconds),
    successThreshold: setting(node, 'successThreshold', PROBE_DEFAULTS.successThreshold),
    failureThreshold: setting(node, 'failureThreshold', PROBE_DEFAULTS.failureThreshold),
    terminationGracePeriodSeconds: written(node, 'terminationGracePeriodSeconds', (value) => (typeof value === 'number' ? value : null), null),
  };
}

/** A field read with `read`, or `fallback` when unset or unreadable; the entry and the scalar as written are kept. */
function written<T>(node: MapNode | undefined, key: string, read: (value: ScalarValue | undefined) => T | undefined, fallback: T): Setting<T> {
  const e = entry(node, key);
  const scalar = asScalar(e?.value)?.value;
  return { value: read(scalar) ?? fallback, entry: e ?? null, written: scalar };
}

/** A probe number as kubelet uses it: zero and invalid values fall back to the default. */
function setting(node: MapNode | undefined, key: string, fallback: number): Setting<number> {
  return written(node, key, (value) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined), fallback);
}

/** A string field as Kubernetes reads it (`8080` → "8080"). */
function text<T extends string | null>(node: MapNode | undefined, key: string, fallback: T): Setting<string | T> {
  return written<string | T>(node, key, (value) => (value === null || value === undefined ? undefined : String(value)), fallback);
}

const HANDLER_KEYS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;

function handlersOf(container: Container, node: MapNode | undefined, allowSleep: boolean): Handler[] {
  const keys: readonly string[] = allowSleep ? [...HANDLER_KEYS, 'sleep'] : HANDLER_KEYS;
  const handlers: Handler[] = [];
  for (const e of node?.entries ?? []) {
    if (!keys.includes(e.key) || e.value === null || isNullScalar(e.value)) continue;
    handlers.push(toHandler(container, e));
  }
  return handlers;
}

function toHandler(container: Container, e: MapEntry): Handler {
  const node = asMap(e.value);
  const base = { entry: e, node: node ?? null };
  const port = (): PortRef | null => portRef(container, entry(node, 'port'));
  switch (e.key) {
    case 'httpGet':
      return {
        ...base,
        kind: 'httpGet',
        port: port(),
        path: text(node, 'path', '/'),
        host: text(node, 'host', null),
        scheme: text(node, 'scheme', 'HTTP'),
        headers: mapItems(child(node, 'httpHeaders')).map((h) => ({
          name: text(h, 'name', ''),
          value: textOf(child(h, 'value')) ?? '',
          node: h,
        })),
      };
    case 'tcpSocket':
      return { ...base, kind: 'tcpSocket', port: port(), host: text(node, 'host', null) };
    case 'grpc':
      return { ...base, kind: 'grpc', port: port(), service: text(node, 'service', '') };
    case 'sleep':
      return { ...base, kind: 'sleep', seconds: written(node, 'seconds', (value) => (typeof value === 'number' ? value : undefined), null) };
    default: {
      const command = entry(node, 'command');
      return { ...base, kind: 'exec', command: { value: strings(command?.value ?? undefined), entry: command ?? null } };
    }
  }
}

/** A probe port, resolved by name among the probing container's own ports only (protocol ignored), as kubelet does. */
function portRef(container: Container, e: MapEntry | undefined): PortRef | null {
  if (!e) return null;
  const value = asScalar(e.value)?.value;
  const written = typeof value === 'number' || typeof value === 'string' ? value : null;
  const declared =
    typeof written === 'string'
      ? container.ports.find((p) => p.name === written) ?? null
      : typeof written === 'number'
        ? container.ports.find((p) => p.number === written) ?? null
        : null;
  const resolved = typeof written === 'number' ? written : declared?.number ?? null;
  return { entry: e, written, resolved, declared };
}

// ------------------------------------------------------- services and routes

function toService(object: K8sObject): Service {
  const spec = mapAt(object.node, 'spec');
  const selector = stringMap(child(spec, 'selector'));
  const selectsPods = Object.keys(selector).length > 0 && stringOf(child(spec, 'type')) !== 'ExternalName';
  return {
    object,
    selector: selectsPods ? selector : null,
    ports: mapItems(child(spec, 'ports')).map(toServicePort),
    publishNotReadyAddresses: asScalar(child(spec, 'publishNotReadyAddresses'))?.value === true,
    headless: stringOf(child(spec, 'clusterIP')) === 'None',
  };
}

function toServicePort(node: MapNode): ServicePort {
  const port = asScalar(child(node, 'port'))?.value;
  const target = asScalar(child(node, 'targetPort'))?.value;
  const portNumber = typeof port === 'number' ? port : null;
  return {
    name: stringOf(child(node, 'name')) ?? null,
    port: portNumber,
    // An unset, zero or empty targetPort means the Service's own port, as the API server defaults it.
    targetPort: (typeof target === 'number' && target !== 0) || (typeof target === 'string' && target !== '') ? target : portNumber,
    protocol: stringOf(child(node, 'protocol')) ?? 'TCP',
  };
}

function ingressBackends(object: K8sObject): Backend[] {
  const spec = mapAt(object.node, 'spec');
  const backends = [mapAt(spec, 'defaultBackend'), mapAt(spec, 'backend')];
  for (const rule of mapItems(child(spec, 'rules'))) {
    for (const path of mapItems(child(mapAt(rule, 'http'), 'paths'))) backends.push(mapAt(path, 'backend'));
  }
  return backends.flatMap((b) => {
    // networking.k8s.io/v1 names `service.name` and `service.port.number|name`; v1beta1 and extensions `serviceName` and `servicePort`.
    const v1 = mapAt(b, 'service');
    const service = textOf(child(v1, 'name')) ?? textOf(child(b, 'serviceName'));
    const v1Port = mapAt(v1, 'port');
    const port = numberOf(child(v1Port, 'number')) ?? stringOf(child(v1Port, 'name')) ?? portValue(child(b, 'servicePort'));
    return service ? [{ object, namespace: object.ref.namespace, service, port }] : [];
  });
}

function routeBackends(object: K8sObject): Backend[] {
  const rules = mapItems(child(mapAt(object.node, 'spec'), 'rules'));
  return rules.flatMap((rule) =>
    mapItems(child(rule, 'backendRefs')).flatMap((ref) => {
      const kind = textOf(child(ref, 'kind')) ?? 'Service';
      const group = textOf(child(ref, 'group')) ?? '';
      const service = textOf(child(ref, 'name'));
      if (kind !== 'Service' || group !== '' || !service) return [];
      return [{ object, namespace: textOf(child(ref, 'namespace')) ?? object.ref.namespace, service, port: numberOf(child(ref, 'port')) }];
    }),
  );
}

// ------------------------------------------------------------------ helpers

function stringMap(node: TreeNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of asMap(node)?.entries ?? []) {
    const text = textOf(e.value);
    if (text !== undefined) out[e.key] = text;
  }
  return out;
}

function numberOf(node: TreeNode | undefined): number | null {
  const value = asScalar(node)?.value;
  return typeof value === 'number' ? value : null;
}

/** An IntOrString port: a number, or a name. */
function portValue(node: TreeNode | undefined): number | string | null {
  const value = asScalar(node)?.value;
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? value : null;
}

function strings(node: TreeNode | undefined): string[] {
  return asSeq(node)?.items.flatMap((n) => textOf(n) ?? []) ?? [];
}
