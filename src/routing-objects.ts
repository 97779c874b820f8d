// The routing pass of a run (run.ts): the Services, Ingresses and routes of every input, read before any
// workload is linted, so that each file can then be linted on its own against all of them and let go. Only
// the document texts that can hold one are parsed (kinds.ts), and the objects keep their file's name, not
// its text: what this pass keeps grows with the routing objects, not with the bytes read.
import { buildModel } from './build-model.js';
import { ROUTING } from './kinds.js';
import { parseFile } from './parse.js';
import type { ObjectOrigin } from './model.js';
import type { RoutingObjects } from './routing.js';
import { ownCopy, withoutText, type SourceFile } from './source.js';

export function routingObjectsOf(source: SourceFile): RoutingObjects {
  const parsed = parseFile(source, false, ROUTING, true);
  if (parsed.documents.every((d) => d.root === null)) return { services: [], backends: [] };
  const { services, backends } = buildModel([parsed]);
  const file = withoutText(source);
  // Only what routing reads: no trees. Copied, because a string read from the file is often a slice of its
  // text, and would keep the whole text alive.
  const origin = (object: ObjectOrigin): ObjectOrigin => ({ ref: ownCopy(object.ref), file });
  const byObject = new Map<ObjectOrigin, ObjectOrigin>();
  const slim = (object: ObjectOrigin): ObjectOrigin => byObject.get(object) ?? byObject.set(object, origin(object)).get(object)!;
  return {
    services: services.map((service) => ({ ...ownCopy({ ...service, object: null }), object: slim(service.object) })),
    backends: backends.map((backend) => ({ ...ownCopy({ ...backend, object: null }), object: slim(backend.object) })),
  };
}

/** What of a file's objects routing reads, as a key: when it changes, other files' verdicts may change. */
export function routingKey(objects: RoutingObjects): string {
  return JSON.stringify([
    objects.services.map((s) => [s.object.ref, s.selector, s.ports, s.publishNotReadyAddresses, s.headless]),
    objects.backends.map((b) => [b.object.ref, b.namespace, b.service, b.port]),
  ]);
}

/** The routing objects of many inputs, in their order: the order routes are found in and messages name them. */
export function joinRoutingObjects(parts: readonly RoutingObjects[]): RoutingObjects {
  return { services: parts.flatMap((p) => p.services), backends: parts.flatMap((p) => p.backends) };
}
