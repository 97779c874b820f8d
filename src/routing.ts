// Which containers serve traffic: SPEC §1's routing definitions, decided here
// and nowhere else. Built once per run from hash indexes, so the cost grows
// with the number of objects, not their product. No decision reads the name
// of a Service, workload or container: only selectors, ports and port names.
import { push } from './multimap.js';
import { isLongRunning, type Backend, type Container, type ContainerPort, type Model, type Service, type ServicePort, type Workload } from './model.js';

/** A Service port that sends requests to a container. */
export interface Route {
  service: Service;
  servicePort: ServicePort;
  /** The declared port the target resolves to; null when routing is guessed (a number no container declares). */
  containerPort: ContainerPort | null;
  /** The number traffic arrives on, when known. */
  targetNumber: number | null;
}

/** An Ingress or Gateway route whose backend reaches a container. */
export interface Exposure {
  backend: Backend;
  route: Route;
}

export interface ContainerRouting {
  /** Services that route to it (§1 routes), guessed ones included. */
  routes: Route[];
  /** Ingresses and Gateway routes in front of it. */
  exposures: Exposure[];
  /** Routed or exposed, and not a sleeper. */
  serves: boolean;
  /** It serves, and some route or exposure resolves to a port it declares. */
  certain: boolean;
  /** Its command only sleeps: it serves nothing, whatever selects it. */
  sleeper: boolean;
}

export interface Routing {
  of(container: Container): ContainerRouting;
}

// Substrings of a port name that mark scrapes and diagnostics (`metricshttps`, `http-metrics`, `prom-metrics`, `pprof`).
const METRICS_PORT_NAME = /metrics|prom|monitor|pprof|profil|debug/i;

/** A container port named for metrics or diagnostics; an unnamed one is not. */
export function isMetricsPort(port: ContainerPort): boolean {
  return port.name !== null && METRICS_PORT_NAME.test(port.name);
}

const NOTHING: ContainerRouting = { routes: [], exposures: [], serves: false, certain: false, sleeper: false };

/** The Services, Ingresses and routes of a run: what routing is decided on, whichever files hold the workloads. */
export type RoutingObjects = Pick<Model, 'services' | 'backends'>;

export function buildRouting(model: RoutingObjects): Routing {
  // A Service is filed under one of its selector pairs; a pod finds it through
  // the same pair among its labels and then checks the rest of the selector.
  const byLabel = new Map<string, Service[]>();
  for (const service of model.services) {
    if (!service.selector) continue;
    const [key, value] = Object.entries(service.selector)[0]!;
    push(byLabel, `${key}\0${value}`, service);
  }
  const backendsByService = new Map<string, Backend[]>();
  for (const backend of model.backends) push(backendsByService, backend.service, backend);
  const servicesByName = new Map<string, Service[]>();
  for (const service of model.services) push(servicesByName, service.object.ref.name ?? '', service);
  const backendTargets = new Map<Backend, Set<Service>>();
  const targetsOf = (backend: Backend): Set<Service> => {
    let targets = backendTargets.get(backend);
    if (!targets) backendTargets.set(backend, (targets = backendServices(backend, servicesByName.get(backend.service) ?? [])));
    return targets;
  };

  // Decided per workload when one of its containers is first asked about: a run lints its files one at a
  // time (run.ts), each against every Service of the run, and keeps nothing of the workloads it let go.
  const decided = new WeakMap<Workload, Map<Container, ContainerRouting>>();
  const decide = (workload: Workload): Map<Container, ContainerRouting> => {
    const found = new Map<Container, ContainerRouting>();
    const entry = (container: Container): ContainerRouting => {
      let routing = found.get(container);
      if (!routing) found.set(container, (routing = { routes: [], exposures: [], serves: false, certain: false, sleeper: isSleeper(container.argv) }));
      return routing;
    };
    for (const service of selectingServices(workload, byLabel)) {
      if (service.publishNotReadyAddresses) continue;
      const scrape = service.ports.length > 0 && service.ports.every((port) => isMetricsServicePort(workload, port));
      if (!scrape) {
        for (const port of service.ports) {
          if (isMetricsServicePort(workload, port)) continue;
          const route = routeOf(workload, service, port);
          if (route) entry(route.container).routes.push(route.route);
        }
      }
      // An Ingress or route in front always means traffic, whatever the port names.
      for (const backend of backendsByService.get(service.object.ref.name ?? '') ?? []) {
        if (!targetsOf(backend).has(service)) continue;
        for (const port of service.ports) {
          if (!backendUses(backend, port)) continue;
          const route = routeOf(workload, service, port);
          if (route) entry(route.container).exposures.push({ backend, route: route.route });
        }
      }
    }
    for (const routing of found.values()) {
      routing.serves = !routing.sleeper && (routing.routes.length > 0 || routing.exposures.length > 0);
      routing.certain = routing.serves && trafficRoutes(routing).some((r) => r.containerPort !== null);
    }
    return found;
  };
  return {
    of: (container) => {
      let found = decided.get(container.workload);
      if (!found) decided.set(container.workload, (found = decide(container.workload)));
      return found.get(container) ?? { ...NOTHING, sleeper: isSleeper(container.argv) };
    },
  };
}

/** Every route traffic takes to a container: through its Services, and through the Ingresses and Gateway routes in front of them. */
export function trafficRoutes(routing: ContainerRouting): Route[] {
  return [...routing.routes, ...routing.exposures.map((e) => e.route)];
}

/** The Ingresses and Gateway routes in front of a container, for messages: `Ingress "web"`, once each; `kinds` narrows them. */
export function frontNames(routing: ContainerRouting, kinds: (kind: string) => boolean = () => true): string[] {
  const fronts = routing.exposures.map((e) => e.backend.object.ref).filter((ref) => kinds(ref.kind));
  return [...new Set(fronts.map((ref) => `${ref.kind} "${ref.name ?? '?'}"`))];
}

/** The Services (in first-seen order) that route to a container, for messages: the certain ones when there are any, else the guessed. */
export function routedServices(routing: ContainerRouting): Service[] {
  const certain = routing.routes.filter((r) => r.containerPort !== null);
  return [...new Set((certain.length > 0 ? certain : routing.routes).map((r) => r.service))];
}

/**
 * The Service a backend names. A cluster holds one Service per namespace and name; when the run holds
 * several (alternative samples that reuse a name, none with a namespace), the backend means the one written
 * nearest to it: in its own file, else in the directory it shares the most of.
 */
function backendServices(backend: Backend, named: readonly Service[]): Set<Service> {
  const candidates = named.filter((s) => namespacesMatch(backend.namespace, s.object.ref.namespace));
  if (candidates.length <= 1) return new Set(candidates);
  const closeness = (service: Service): number => sharedPath(backend.object.file.path, service.object.file.path);
  const best = Math.max(...candidates.map(closeness));
  return new Set(candidates.filter((s) => closeness(s) === best));
}

/** How much of two files' paths is shared: the number of leading directories, more for the same file. */
function sharedPath(a: string, b: string): number {
  if (a === b) return Infinity;
  const x = a.split('/');
  const y = b.split('/');
  let i = 0;
  while (i < x.length - 1 && i < y.length - 1 && x[i] === y[i]) i++;
  return i;
}

function namespacesMatch(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

function selectingServices(workload: Workload, byLabel: Map<string, Service[]>): Service[] {
  const found = new Set<Service>();
  for (const [key, value] of Object.entries(workload.labels)) {
    for (const service of byLabel.get(`${key}\0${value}`) ?? []) {
      if (!namespacesMatch(service.object.ref.namespace, workload.object.ref.namespace)) continue;
      if (Object.entries(service.selector!).every(([k, v]) => workload.labels[k] === v)) found.add(service);
    }
  }
  return [...found];
}

/** The declared port of a long-running container that a target port resolves to: a name with its protocol, or a number. */
function declaredTarget(workload: Workload, servicePort: ServicePort): { container: Container; port: ContainerPort } | null {
  const { targetPort } = servicePort;
  for (const container of workload.containers) {
    if (!isLongRunning(container)) continue;
    const port = container.ports.find((p) =>
      typeof targetPort === 'number' ? p.number === targetPort : p.name === targetPort && p.protocol === servicePort.protocol,
    );
    if (port) return { container, port };
  }
  return null;
}

/** A Service port's own name decides; an unnamed one takes the name of the container port it targets. */
function isMetricsServicePort(workload: Workload, servicePort: ServicePort): boolean {
  if (servicePort.name !== null && servicePort.name !== '') return METRICS_PORT_NAME.test(servicePort.name);
  const target = declaredTarget(workload, servicePort);
  return target !== null && isMetricsPort(target.port);
}

function routeOf(workload: Workload, service: Service, servicePort: ServicePort): { container: Container; route: Route } | null {
  const target = declaredTarget(workload, servicePort);
  if (target) {
    return { container: target.container, route: { service, servicePort, containerPort: target.port, targetNumber: target.port.number } };
  }
  // kube-proxy still sends a number to the pod IP, where the first container usually listens; a name that
  // no container declares gives the endpoints controller no port at all.
  if (typeof servicePort.targetPort !== 'number') return null;
  const first = workload.containers.find((c) => c.role === 'main');
  return first ? { container: first, route: { service, servicePort, containerPort: null, targetNumber: servicePort.targetPort } } : null;
}

function backendUses(backend: Backend, port: ServicePort): boolean {
  if (backend.port === null) return true;
  return typeof backend.port === 'number' ? port.port === backend.port : port.name === backend.port;
}

const SHELLS = /^(\S*\/)?(sh|bash|ash|dash|zsh|ksh)$/;
const SLEEP = String.raw`(\S*\/)?(sleep\s+(infinity|inf|\d+(\.\d+)?[smhd]?)|tail\s+-f\s+\/dev\/null|pause)`;
// A whole script that only sleeps: `sleep infinity`, `exec sleep 3600`, `while true; do sleep 30; done`,
// `trap : TERM INT; sleep infinity & wait`. Anchored and without nested quantifiers over the same text, so it cannot backtrack badly.
const SLEEP_SCRIPT = new RegExp(
  String.raw`^(trap\s[^;&|]*;\s*)?((exec\s+)?${SLEEP}(\s*&\s*wait)?|while\s+(true|:)\s*;\s*do\s+${SLEEP}\s*;\s*done)\s*;?$`,
);

/** A container whose `command` + `args` only sleep, also as the whole script of a shell. */
export function isSleeper(argv: readonly string[]): boolean {
  if (argv.length === 0) return false;
  let script = argv.join(' ');
  const flag = argv.findIndex((arg, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(arg));
  if (SHELLS.test(argv[0]!) && flag !== -1 && flag === argv.length - 2) script = argv[flag + 1]!;
  if (script.length > 500) return false;
  return SLEEP_SCRIPT.test(script.trim());
}
