// The parsed request handed to resource handlers, and helpers to read it.
import { badRequest, conflict, staleObject, unprocessable } from '../errors.js';
import { applyPatch } from '../patch/index.js';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { SandboxStore } from '../store.js';
import type { K8sObject, ResourceDef } from '../types.js';
import { isObject } from '../util.js';

export interface ApiRequest {
  method: string;
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  body: unknown;
  contentType: string | undefined;
  accept: string | undefined;
  store: SandboxStore;
}

/** The body as an object; 400 BadRequest when missing or not a JSON object. */
export function objectBody(req: ApiRequest): K8sObject {
  const body = req.body;
  if (!isObject(body)) throw badRequest('the object provided is unrecognized (must be a JSON object)');
  if (body.metadata !== undefined && !isObject(body.metadata)) {
    throw badRequest('json: cannot unmarshal metadata into Go struct field of type v1.ObjectMeta');
  }
  return { ...body, metadata: { ...(body.metadata as object | undefined) } } as K8sObject;
}

/** `?dryRun=All` (the only value the apiserver accepts). */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${v}`);
  return values.length > 0;
}

/** Builds the object filter from ?labelSelector= and ?fieldSelector=. */
export function selectorFilter(req: ApiRequest): (obj: K8sObject) => boolean {
  const labels = parseLabelSelector(req.query.get('labelSelector') ?? '');
  const supported = ['metadata.name', 'metadata.namespace', ...(req.def.fieldSelectors ?? [])];
  const fields = parseFieldSelector(req.query.get('fieldSelector') ?? '', supported);
  return (obj) => matchesRequirements(labels, obj.metadata.labels) && matchesFields(fields, obj);
}

/** A list body (`PodList`); items carry no kind/apiVersion, like the apiserver's. */
export function listOf(
  def: ResourceDef,
  items: K8sObject[],
  resourceVersion: string,
): Record<string, unknown> {
  return {
    kind: `${def.kind}List`,
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    metadata: { resourceVersion },
    items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
  };
}

/** The UID / resourceVersion checks the apiserver applies to an update whose body carries them. */
export function checkPreconditions(
  def: ResourceDef,
  current: K8sObject,
  uid: unknown,
  resourceVersion: unknown,
): void {
  const name = current.metadata.name ?? '';
  if (uid !== undefined && uid !== '' && uid !== current.metadata.uid) {
    throw conflict(
      def,
      name,
      `Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (
    resourceVersion !== undefined &&
    resourceVersion !== '' &&
    resourceVersion !== current.metadata.resourceVersion
  ) {
    throw staleObject(def, name);
  }
}

/** Applies a PATCH body to `doc` and checks the result is still an object (422 otherwise). */
export function patched(req: ApiRequest, doc: unknown): K8sObject {
  if (req.body === undefined) throw badRequest('the body of the request is empty');
  const out = applyPatch(req.contentType, doc, req.body);
  if (!isObject(out)) throw unprocessable('the patched document is not a JSON object');
  if (out.metadata !== undefined && !isObject(out.metadata))
    throw unprocessable('metadata must be an object');
  return { ...out, metadata: { ...(out.metadata as object | undefined) } } as K8sObject;
}
