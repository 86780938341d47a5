// Owner-reference and annotation helpers shared by the controllers.
import type { K8sObject, OwnerReference } from '../types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** The controller owner reference (controller: true) of an object, if any. */
export function controllerOf(obj: K8sObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.IsControlledBy: the object's controller reference points at the owner's uid. */
export function isControlledBy(obj: K8sObject, owner: K8sObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** A controller owner reference to `owner`, as controllers set on what they create. */
export function controllerRef(owner: K8sObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The `deployment.kubernetes.io/revision` annotation as a number (missing or bad → 0). */
export function revisionOf(obj: K8sObject): number {
  const n = Number.parseInt(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/** Resolves an int-or-percent (`25%` or 1) against a total, rounding up or down. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return Number.parseInt(String(value ?? '0'), 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Drops zero counters, mirroring `omitempty` on status fields. */
export function omitZero<T extends Record<string, unknown>>(status: T, keep: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(status).filter(([k, v]) => v !== 0 || keep.includes(k))) as T;
}

/** podutil.IsPodReady: the pod's Ready condition is True (what PDBs and workload status count). */
export function isPodReady(pod: K8sObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

/** True for a pod that is being deleted (the sandbox deletes at once, but tests may set the field). */
export const isDeleting = (obj: K8sObject): boolean => Boolean(obj.metadata.deletionTimestamp);
