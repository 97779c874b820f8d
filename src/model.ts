// Typed Kubernetes, as far as the rules need it. Every value keeps the tree
// entry it was read from, so a finding can point at it and a fix can edit it.
import type { ParsedDocument } from './parse.js';
import type { SourceFile } from './source.js';
import type { MapEntry, MapNode, Span } from './tree.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string | null;
}

/** A `probe-lint.dev/ignore` annotation, on the object or its pod template. */
export interface IgnoreAnnotation {
  value: string;
  span: Span;
}

/** Which object, in which file: all that routing (Services and the Ingresses and routes in front) reads of one. */
export interface ObjectOrigin {
  ref: ObjectRef;
  file: SourceFile;
}

export interface K8sObject extends ObjectOrigin {
  document: ParsedDocument;
  node: MapNode;
  annotations: Record<string, string>;
  ignoreAnnotations: IgnoreAnnotation[];
}

/** A field with its effective value (defaults applied) and the entry, if written. */
export interface Setting<T> {
  value: T;
  entry: MapEntry | null;
  /** The scalar as written (`"5"` stays a string), for rules that judge the spelling; undefined when absent or not a scalar. */
  written?: string | number | boolean | null;
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface PortRef {
  entry: MapEntry;
  /** The written value: a number, or a string that names a port. */
  written: number | string | null;
  /** The number kubelet will connect to, after resolving a name in the probing container; null when it cannot. */
  resolved: number | null;
  /** The declared port it resolves to, if any. */
  declared: ContainerPort | null;
}

export interface HttpHeader {
  name: Setting<string>;
  value: string;
  node: MapNode;
}

interface HandlerBase {
  /** The handler's key (`httpGet:`) and value. */
  entry: MapEntry;
  node: MapNode | null;
}

export interface HttpGetHandler extends HandlerBase {
  kind: 'httpGet';
  port: PortRef | null;
  /** Defaults to `/`. */
  path: Setting<string>;
  host: Setting<string | null>;
  /** Defaults to `HTTP`. */
  scheme: Setting<string>;
  headers: HttpHeader[];
}

export interface TcpSocketHandler extends HandlerBase {
  kind: 'tcpSocket';
  port: PortRef | null;
  host: Setting<string | null>;
}

export interface GrpcHandler extends HandlerBase {
  kind: 'grpc';
  port: PortRef | null;
  service: Setting<string>;
}

export interface ExecHandler extends HandlerBase {
  kind: 'exec';
  command: Setting<string[]>;
}

export interface SleepHandler extends HandlerBase {
  kind: 'sleep';
  seconds: Setting<number | null>;
}

export type Handler = HttpGetHandler | TcpSocketHandler | GrpcHandler | ExecHandler | SleepHandler;
export type ProbeHandler = Exclude<Handler, SleepHandler>;

export interface Probe {
  type: ProbeType;
  container: Container;
  /** The `readinessProbe` entry: where findings about missing or defaulted fields point. */
  entry: MapEntry;
  node: MapNode | null;
  /** Every handler written; a valid probe has exactly one. */
  handlers: ProbeHandler[];
  initialDelaySeconds: Setting<number>;
  timeoutSeconds: Setting<number>;
  periodSeconds: Setting<number>;
  successThreshold: Setting<number>;
  failureThreshold: Setting<number>;
  /** Probe-level grace period: its own rules (not defaulted like the numbers above). */
  terminationGracePeriodSeconds: Setting<number | null>;
}

export interface ContainerPort {
  name: string | null;
  number: number | null;
  protocol: string;
  node: MapNode;
}

/** main: `containers`; sidecar: an init container with `restartPolicy: Always`. */
export type ContainerRole = 'main' | 'sidecar' | 'init' | 'ephemeral';

export interface Container {
  workload: Workload;
  role: ContainerRole;
  name: string;
  /** The `name` entry, or the whole container when it has none. */
  span: Span;
  node: MapNode;
  ports: ContainerPort[];
  probes: Partial<Record<ProbeType, Probe>>;
  /** The `lifecycle` map, when written: where a preStop hook is added. */
  lifecycle: MapNode | null;
  preStop: { entry: MapEntry; handler: Handler | null } | null;
  /** command and args, in order. */
  argv: string[];
  envValues: string[];
}

export interface Workload {
  object: K8sObject;
  podSpec: MapNode;
  labels: Record<string, string>;
  /** Jobs and CronJobs run to completion; nothing routes to them. */
  batch: boolean;
  /** Probes then run in the node's network namespace, where 127.0.0.1 is the pod too. */
  hostNetwork: boolean;
  terminationGracePeriodSeconds: Setting<number>;
  /** `spec.replicas` as written; null when unset or not a number. */
  replicas: number | null;
  /** `spec.strategy.type` (Deployments, Argo Rollouts and DeploymentConfigs); null when unset. */
  strategy: string | null;
  /** The pod lists `readinessGates`: it is ready only once other controllers set them too. */
  readinessGates: boolean;
  containers: Container[];
}

export interface ServicePort {
  name: string | null;
  port: number | null;
  /** Defaults to `port`. */
  targetPort: number | string | null;
  protocol: string;
}

export interface Service {
  object: ObjectOrigin;
  /** null when the Service selects no pods (no or empty selector, ExternalName). */
  selector: Record<string, string> | null;
  ports: ServicePort[];
  /** Endpoints include pods that are not ready: readiness does not gate this Service. */
  publishNotReadyAddresses: boolean;
  /** `clusterIP: None`: clients reach pods through DNS, not through kube-proxy. */
  headless: boolean;
}

/** An Ingress, HTTPRoute or GRPCRoute naming a Service as its backend. */
export interface Backend {
  object: ObjectOrigin;
  namespace: string | null;
  service: string;
  /** The Service port it sends to: a number (`port`) or a name; null when unset (any port). */
  port: number | string | null;
}

export interface Model {
  objects: K8sObject[];
  workloads: Workload[];
  services: Service[];
  backends: Backend[];
}

/** Containers that run for the pod's life: the ones probes and shutdown rules are about. */
export function isLongRunning(c: Container): boolean {
  return c.role === 'main' || c.role === 'sidecar';
}

export const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
} as const;

export const POD_TERMINATION_GRACE_DEFAULT = 30;
