// Resource verbs: get, list, create, update (PUT), patch, delete, deletecollection.
import { ApiError, badRequest, conflict, methodNotAllowed, notFound, statusObject } from '../errors.js';
import { groupVersion } from '../resources/index.js';
import type { RemoveOptions } from '../store.js';
import { tableRequest, toTable } from '../table.js';
import type { HandlerResult, K8sObject, ResourceDef } from '../types.js';
import { isObject } from '../util.js';
import {
  type ApiRequest,
  checkPreconditions,
  isDryRun,
  listOf,
  objectBody,
  patched,
  selectorFilter,
} from './request.js';
import { handleSubresource } from './subresources.js';

const hasStatus = (def: ResourceDef): boolean => (def.subresources ?? []).some((s) => s.name === 'status');

// Resources whose DELETE answers with the deleted object (the others answer a Success Status).
const RETURNS_DELETED_OBJECT = new Set(['pods', 'namespaces']);

function existing(req: ApiRequest): K8sObject {
  const obj = req.store.get(req.def, req.namespace, req.name ?? '');
  if (!obj) throw notFound(req.def, req.name ?? '');
  return obj;
}

function checkTypeAndNamespace(req: ApiRequest, obj: K8sObject): void {
  const expected = groupVersion(req.def);
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== req.def.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${req.def.kind})`);
  }
  if (req.def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== req.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (req.def.namespaced) obj.metadata.namespace = req.namespace as string;
}

function respond(req: ApiRequest, status: number, obj: K8sObject): HandlerResult {
  const table = tableRequest(req.accept, req.query);
  return { status, body: table ? toTable(req.def, [obj], table, req.store.resourceVersion) : obj };
}

function list(req: ApiRequest): HandlerResult {
  const items = req.store.list(req.def, req.namespace).filter(selectorFilter(req));
  const table = tableRequest(req.accept, req.query);
  const rv = req.store.resourceVersion;
  return { status: 200, body: table ? toTable(req.def, items, table, rv) : listOf(req.def, items, rv) };
}

function create(req: ApiRequest): HandlerResult {
  const obj = objectBody(req);
  checkTypeAndNamespace(req, obj);
  // The status of a resource with a status subresource is not client-settable on create.
  if (hasStatus(req.def)) delete obj.status;
  return respond(req, 201, req.store.create(req.def, obj, { dryRun: isDryRun(req.query) }));
}

/** Shared tail of PUT and PATCH on the main resource. */
function replace(req: ApiRequest, current: K8sObject, next: K8sObject): HandlerResult {
  if (next.metadata.name !== undefined && next.metadata.name !== req.name) {
    throw badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${req.name})`,
    );
  }
  next.metadata.name = req.name as string;
  checkTypeAndNamespace(req, next);
  checkPreconditions(req.def, current, next.metadata.uid, next.metadata.resourceVersion);
  // Through the main resource, status changes are ignored (they go through /status).
  if (hasStatus(req.def)) next.status = current.status;
  if (next.status === undefined) delete next.status;
  return respond(req, 200, req.store.update(req.def, next, { dryRun: isDryRun(req.query) }));
}

function parseDeleteOptions(req: ApiRequest): RemoveOptions & { uid?: unknown; resourceVersion?: unknown } {
  const body = req.body ?? {};
  if (!isObject(body)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
  const fail = (field: string, value: unknown, detail: string): never => {
    throw new ApiError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: ${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`,
    );
  };
  const opts: RemoveOptions & { uid?: unknown; resourceVersion?: unknown } = {};
  const queryGrace = req.query.get('gracePeriodSeconds');
  if (queryGrace !== null && !/^-?\d+$/.test(queryGrace))
    throw badRequest(`invalid gracePeriodSeconds: ${queryGrace}`);
  const grace = body.gracePeriodSeconds ?? (queryGrace === null ? undefined : Number(queryGrace));
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== 'number' || !Number.isInteger(grace))
      fail('gracePeriodSeconds', grace, 'must be an integer');
    opts.gracePeriodSeconds = Math.max(0, grace as number);
  }
  const policy =
    body.propagationPolicy ??
    req.query.get('propagationPolicy') ??
    (body.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined && policy !== null) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy as string)) {
      fail('propagationPolicy', policy, 'supported values: "Foreground", "Background", "Orphan"');
    }
    opts.propagationPolicy = policy as RemoveOptions['propagationPolicy'] & string;
  }
  const pre = body.preconditions;
  if (pre !== undefined && pre !== null) {
    if (!isObject(pre)) fail('preconditions', pre, 'must be an object');
    const p = pre as Record<string, unknown>;
    if (p.uid !== undefined && p.uid !== null) opts.uid = p.uid;
    if (p.resourceVersion !== undefined && p.resourceVersion !== null)
      opts.resourceVersion = p.resourceVersion;
  }
  const dryRun = Array.isArray(body.dryRun) ? body.dryRun.length > 0 : isDryRun(req.query);
  if (dryRun) opts.dryRun = true;
  return opts;
}

function remove(req: ApiRequest): HandlerResult {
  const current = existing(req);
  const opts = parseDeleteOptions(req);
  const name = current.metadata.name ?? '';
  // storage.Preconditions.Check: both mismatches are 409 Conflicts with these exact messages.
  if (opts.uid !== undefined && opts.uid !== current.metadata.uid) {
    throw conflict(
      req.def,
      name,
      `Precondition failed: UID in precondition: ${String(opts.uid)}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (opts.resourceVersion !== undefined && opts.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      req.def,
      name,
      `Precondition failed: ResourceVersion in precondition: ${String(opts.resourceVersion)}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
  const { uid: _u, resourceVersion: _r, ...removeOpts } = opts;
  const deleted = req.store.delete(req.def, req.namespace, name, removeOpts);
  if (RETURNS_DELETED_OBJECT.has(req.def.resource) && !req.def.group) {
    if (req.def.resource === 'namespaces') deleted.status = { ...deleted.status, phase: 'Terminating' };
    return { status: 200, body: deleted };
  }
  return {
    status: 200,
    body: statusObject('Success', 200, '', '', {
      name,
      group: req.def.group,
      kind: req.def.resource,
      uid: deleted.metadata.uid ?? '',
    }),
  };
}

function removeCollection(req: ApiRequest): HandlerResult {
  const opts = parseDeleteOptions(req);
  const { uid: _u, resourceVersion: _r, ...removeOpts } = opts;
  const victims = req.store.list(req.def, req.namespace).filter(selectorFilter(req));
  const deleted = victims.flatMap((o) => {
    try {
      return [req.store.delete(req.def, o.metadata.namespace, o.metadata.name ?? '', removeOpts)];
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return []; // cascaded away meanwhile
      throw e;
    }
  });
  return { status: 200, body: listOf(req.def, deleted, req.store.resourceVersion) };
}

/** Dispatches a resource request (watch requests are served by the watch module before this). */
export async function handleResource(req: ApiRequest): Promise<HandlerResult> {
  if (req.subresource !== undefined) return handleSubresource(req);
  const { method } = req;
  if (req.name === undefined) {
    if (method === 'GET') return list(req);
    if (method === 'POST') {
      if (req.def.namespaced && req.namespace === undefined) throw methodNotAllowed();
      return create(req);
    }
    if (method === 'DELETE') return removeCollection(req);
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET':
      return respond(req, 200, existing(req));
    case 'PUT':
      return replace(req, existing(req), objectBody(req));
    case 'PATCH': {
      const current = existing(req);
      return replace(req, current, patched(req, current));
    }
    case 'DELETE':
      return remove(req);
    default:
      throw methodNotAllowed();
  }
}
