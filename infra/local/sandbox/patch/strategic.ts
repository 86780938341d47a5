// Strategic merge patch: merge patch plus Kubernetes' list merge keys and `$patch` directives.
// The real server reads merge keys from Go struct tags; a table of field names is enough for the
// objects the sandbox serves (pod templates, metadata, status conditions).
import { isObject } from '../util.js';
import { PatchError } from './jsonpatch.js';

/** Lists merged element by element, keyed by this field (patchMergeKey), keyed by the list's field name. */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  volumes: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
  conditions: 'type',
};

/** Primitive lists merged as sets (patchStrategy:"merge" on a []string). */
const PRIMITIVE_MERGE = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function mergeKeyedList(original: unknown[], patch: unknown[], key: string): unknown[] {
  // A `{"$patch": "replace"}` element means: the list is exactly the other elements.
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map((p) => strip(p));
  }
  const out = structuredClone(original);
  for (const item of patch) {
    if (!isObject(item) || !Object.hasOwn(item, key)) {
      out.push(strip(item));
      continue;
    }
    const at = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = applyStrategicMergePatch(out[at], item);
    else out.push(strip(item));
  }
  return out;
}

// Removes directives from a value that is inserted as is.
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (!isObject(value)) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v !== null) out[k] = strip(v);
  }
  return out;
}

function reorder(list: unknown[], order: unknown[], key: string): unknown[] {
  const rank = (item: unknown): number => {
    const i = order.findIndex((o) => isObject(o) && isObject(item) && o[key] === item[key]);
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** Applies a strategic merge patch to a copy of `original`; throws PatchError on unknown directives. */
export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const directive = patch.$patch;
  if (directive === 'replace') return strip(patch);
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge')
    throw new PatchError(`Unknown patch type: ${String(directive)}`);

  let out: Record<string, unknown> = isObject(original) ? structuredClone(original) : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    out = Object.fromEntries(
      Object.entries(out).filter(([k]) => retain.includes(k) || Object.hasOwn(patch, k)),
    );
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) out[field] = current.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      const current = Array.isArray(out[k]) ? (out[k] as unknown[]) : [];
      const key = MERGE_KEYS[k];
      if (key) out[k] = mergeKeyedList(current, v, key);
      else if (PRIMITIVE_MERGE.has(k)) out[k] = [...current, ...v.filter((x) => !current.includes(x))];
      else out[k] = strip(v);
    } else if (isObject(v)) {
      const merged = applyStrategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    const field = k.slice(SET_ORDER.length);
    const key = MERGE_KEYS[field];
    if (k.startsWith(SET_ORDER) && key && Array.isArray(order) && Array.isArray(out[field])) {
      out[field] = reorder(out[field] as unknown[], order, key);
    }
  }
  return out;
}
