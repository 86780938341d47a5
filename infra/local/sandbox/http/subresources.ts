// Subresources: /status and /scale are generic; others (pods/eviction...) need a registered handler.
import { methodNotAllowed, notFound, routeNotFound } from '../errors.js';
import { formatRequirements, selectorRequirements } from '../selectors.js';
import type { HandlerResult, K8sObject } from '../types.js';
import { type ApiRequest, checkPreconditions, isDryRun, objectBody, patched } from './request.js';

/** The autoscaling/v1 Scale view of a workload. */
export function scaleOf(obj: K8sObject): Record<string, unknown> {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: formatRequirements(selectorRequirements(obj.spec?.selector)),
    },
  };
}

function current(req: ApiRequest): K8sObject {
  const obj = req.store.get(req.def, req.namespace, req.name ?? '');
  if (!obj) throw notFound(req.def, req.name ?? '');
  return obj;
}

function status(req: ApiRequest): HandlerResult {
  const obj = current(req);
  if (req.method === 'GET') return { status: 200, body: obj };
  let incoming: K8sObject;
  if (req.method === 'PUT') incoming = objectBody(req);
  else if (req.method === 'PATCH') incoming = patched(req, obj);
  else throw methodNotAllowed();
  checkPreconditions(req.def, obj, incoming.metadata.uid, incoming.metadata.resourceVersion);
  // Only the status is taken from the request.
  const next = { ...obj, status: incoming.status };
  return { status: 200, body: req.store.update(req.def, next, { dryRun: isDryRun(req.query) }) };
}

function scale(req: ApiRequest): HandlerResult {
  const obj = current(req);
  if (req.method === 'GET') return { status: 200, body: scaleOf(obj) };
  let incoming: K8sObject;
  if (req.method === 'PUT') incoming = objectBody(req);
  else if (req.method === 'PATCH') incoming = patched(req, scaleOf(obj));
  else throw methodNotAllowed();
  checkPreconditions(req.def, obj, incoming.metadata.uid, incoming.metadata.resourceVersion);
  const next = { ...obj, spec: { ...obj.spec, replicas: incoming.spec?.replicas } };
  const dryRun = isDryRun(req.query);
  const written = req.store.update(req.def, next, { dryRun });
  // Answer with the state after the controllers ran, so status.replicas is current.
  const after = dryRun ? written : (req.store.get(req.def, req.namespace, req.name ?? '') ?? written);
  return { status: 200, body: scaleOf(after) };
}

/** Serves /<resource>/<name>/<subresource>. */
export async function handleSubresource(req: ApiRequest): Promise<HandlerResult> {
  const sub = (req.def.subresources ?? []).find((s) => s.name === req.subresource);
  if (!sub || req.name === undefined) throw routeNotFound();
  if (sub.handler) {
    return sub.handler({
      method: req.method,
      namespace: req.namespace,
      name: req.name,
      query: req.query,
      body: req.body,
      contentType: req.contentType,
      store: req.store,
      def: req.def,
    });
  }
  if (sub.name === 'status') return status(req);
  if (sub.name === 'scale') return scale(req);
  throw methodNotAllowed();
}
