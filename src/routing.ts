// Which Service routes to which container, and which of those Services an
// Ingress or Gateway route sends traffic to. Built once per run from hash
// indexes, so the cost grows with the number of objects, not their product.
import { isLongRunning, type Backend, type Container, type ContainerPort, type Model, type Service, type ServicePort, type Workload } from './model.js';

export interface Route {
  service: Service;
  servicePort: ServicePort;
  /** The declared port the target resolves to; null when it matches none and the first container is assumed. */
  containerPort: ContainerPort | null;
  /** Ingresses and routes that send traffic to this Service. */
  exposedBy: Backend[];
  /** A metrics or profiling port: scraped straight from pod IPs, not a path users' requests take. */
  monitoring: boolean;
}

export interface Routing {
  /** Routes that end at this container; empty when nothing routes to it. */
  routesOf(container: Container): Route[];
}

const namespaceKey = (namespace: string | null): string => namespace ?? '';

export function buildRouting(model: Model): Routing {
  // A Service is filed under one of its selector pairs; a pod finds it through
  // the same pair among its labels and then checks the rest of the selector.
  const byLabel = new Map<string, Service[]>();
  for (const service of model.services) {
    if (!service.selector) continue;
    const [key, value] = Object.entries(service.selector)[0]!;
    push(byLabel, labelKey(service.object.ref.namespace, key, value), service);
  }
  const backends = new Map<string, Backend[]>();
  for (const backend of model.backends) push(backends, `${namespaceKey(backend.namespace)}\0${backend.service}`, backend);

  const routesByContainer = new Map<Container, Route[]>();
  for (const workload of model.workloads) {
    for (const service of selectingServices(workload, byLabel)) {
      const exposedBy = backends.get(`${namespaceKey(service.object.ref.namespace)}\0${service.object.ref.name}`) ?? [];
      for (const servicePort of service.ports) {
        const target = targetOf(workload, servicePort);
        if (!target) continue;
        const monitoring = isMonitoring(service, servicePort, target.port);
        push(routesByContainer, target.container, { service, servicePort, containerPort: target.port, exposedBy, monitoring });
      }
    }
  }
  return {
    routesOf: (container) => routesByContainer.get(container) ?? [],
  };
}

const MONITORING_NAME = /(^|[-_])(metrics|monitoring|prometheus|profiling|pprof|debug)($|[-_])/i;

function isMonitoring(service: Service, servicePort: ServicePort, containerPort: ContainerPort | null): boolean {
  const names = [service.object.ref.name, servicePort.name, containerPort?.name, typeof servicePort.targetPort === 'string' ? servicePort.targetPort : null];
  return names.some((name) => name !== null && name !== undefined && MONITORING_NAME.test(name));
}

function labelKey(namespace: string | null, key: string, value: string): string {
  return `${namespaceKey(namespace)}\0${key}\0${value}`;
}

function selectingServices(workload: Workload, byLabel: Map<string, Service[]>): Service[] {
  const found = new Set<Service>();
  for (const [key, value] of Object.entries(workload.labels)) {
    for (const service of byLabel.get(labelKey(workload.object.ref.namespace, key, value)) ?? []) {
      const selector = service.selector!;
      if (Object.entries(selector).every(([k, v]) => workload.labels[k] === v)) found.add(service);
    }
  }
  return [...found];
}

function targetOf(workload: Workload, servicePort: ServicePort): { container: Container; port: ContainerPort | null } | null {
  const serving = workload.containers.filter(isLongRunning);
  const { targetPort } = servicePort;
  if (targetPort === null) return null;
  for (const container of serving) {
    const port = container.ports.find((p) =>
      typeof targetPort === 'number' ? p.number === targetPort : p.name === targetPort && p.protocol === servicePort.protocol,
    );
    if (port) return { container, port };
  }
  // Kubernetes still forwards to the number on the pod IP; the first container is the one that usually listens.
  const first = serving.find((c) => c.role === 'main');
  return first ? { container: first, port: null } : null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
