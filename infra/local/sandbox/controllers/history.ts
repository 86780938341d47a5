// ControllerRevisions (apps/v1), the template history of StatefulSets and DaemonSets: what kubectl's
// `rollout history` lists and `rollout undo` patches back. Shared by both controllers.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { canonicalJson, fnv32a, isObject, jsonEqual, safeEncode } from '../util.js';
import { controllerRef } from './util.js';

/** The label on revisions (and on the pods made from them) that names the revision's hash. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

// biome-ignore lint/suspicious/noExplicitAny: templates are free-form JSON.
type Template = any;

/** Copies a JSON value with object keys sorted, the order Go's json.Marshal gives a map. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) if (value[k] !== undefined) out[k] = sortKeys(value[k]);
  return out;
}

/**
 * The revision `data` for a pod template: `{"spec":{"template":{...,"$patch":"replace"}}}`, as the
 * StatefulSet and DaemonSet controllers' getPatch build it. Keys are sorted and the template carries
 * `creationTimestamp: null` like a Go-encoded PodTemplateSpec, so kubectl, which compares its own
 * encoding of the live object with these bytes, sees an unchanged template as equal.
 */
export function templatePatch(template: Template): Record<string, unknown> {
  const t = structuredClone(template ?? {});
  t.metadata = { creationTimestamp: null, ...t.metadata };
  return sortKeys({ spec: { template: { ...t, $patch: 'replace' } } }) as Record<string, unknown>;
}

/** The pod template a revision's data restores (the inverse of templatePatch). */
export function templateOf(revision: K8sObject): Template {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _directive, ...template } = structuredClone(data?.spec?.template ?? {});
  return template;
}

/** The `revision` number of a ControllerRevision (0 when missing). */
export const revisionNumber = (cr: K8sObject): number => (typeof cr.revision === 'number' ? cr.revision : 0);

/** The owner's ControllerRevisions, oldest revision first. */
export function revisionsOf(store: SandboxStore, owner: K8sObject): K8sObject[] {
  return store
    .peekControlled('controllerrevisions', owner.metadata.namespace, owner.metadata.uid)
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
}

export interface RevisionOptions {
  /** The hash that names the revision `<owner>-<hash>`, given the collision count. */
  hash: (collisionCount: number) => string;
  /** The owner's status.collisionCount. */
  collisionCount: number;
}

/** The revision result: the revision for the current template and the collision count used. */
export interface CurrentRevision {
  revision: K8sObject;
  collisionCount: number;
}

/**
 * Finds or makes the revision of the owner's current template. An existing revision with the same data
 * is reused, and when it is not the newest it is renumbered to max+1 (returning to an old template is a
 * new rollout); otherwise a new revision max+1 is created. A name taken by different data is a hash
 * collision: the count goes up and the name is recomputed, as the real controllers do.
 */
export function currentRevision(
  store: SandboxStore,
  owner: K8sObject,
  opts: RevisionOptions,
): CurrentRevision {
  const data = templatePatch(owner.spec?.template);
  const history = revisionsOf(store, owner);
  const max = Math.max(0, ...history.map(revisionNumber));
  const equal = history.filter((cr) => jsonEqual(cr.data, data)).at(-1);
  if (equal) {
    const revision =
      revisionNumber(equal) < max
        ? store.update('controllerrevisions', { ...equal, revision: max + 1 })
        : equal;
    return { revision, collisionCount: opts.collisionCount };
  }
  const namespace = owner.metadata.namespace as string;
  let collisionCount = opts.collisionCount;
  let hash = opts.hash(collisionCount);
  while (store.get('controllerrevisions', namespace, `${owner.metadata.name}-${hash}`)) {
    collisionCount += 1;
    hash = opts.hash(collisionCount);
  }
  const revision = store.create('controllerrevisions', {
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace,
      labels: { ...owner.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      // Both controllers copy the owner's annotations, which is where kubernetes.io/change-cause comes from.
      ...(owner.metadata.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    data,
    revision: max + 1,
  });
  return { revision, collisionCount };
}

/** FNV-32a of the revision data, safe-encoded: the StatefulSet controller's HashControllerRevision. */
export function dataHash(template: Template, collisionCount: number): string {
  const raw = canonicalJson(templatePatch(template));
  return safeEncode(String(fnv32a(raw + (collisionCount ? String(collisionCount) : ''))));
}

/**
 * Deletes the oldest revisions beyond `limit`, never one in `live` (names of the current/update
 * revisions and of revisions pods still run).
 */
export function truncateHistory(
  store: SandboxStore,
  owner: K8sObject,
  live: Set<string>,
  limit: number,
): void {
  const idle = revisionsOf(store, owner).filter((cr) => !live.has(cr.metadata.name as string));
  for (const cr of idle.slice(0, Math.max(0, idle.length - limit))) {
    store.delete('controllerrevisions', cr.metadata.namespace, cr.metadata.name as string);
  }
}
