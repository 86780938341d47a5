// The disruption controller: keeps each PodDisruptionBudget's status (expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, disruptedPods, DisruptionAllowed condition) in step with its pods.
import { matchesRequirements, type Requirement, selectorRequirements } from '../selectors.js';
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { jsonEqual, timestamp } from '../util.js';
import { controllerOf, intOrPercent, isDeleting, isPodReady } from './util.js';

/** How long an eviction's disruptedPods entry holds a pod out of currentHealthy (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

const KNOWN_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Whether a policy/v1 budget selects the pod: a missing (null) selector selects nothing, an empty one
 * every pod of the namespace, and a selector with an unknown operator nothing (it does not parse).
 */
export function budgetSelects(pdb: K8sObject, pod: K8sObject): boolean {
  return budgetSelector(pdb)(pod);
}

/** `budgetSelects` for one budget and many pods: its selector is read once, at the first pod it could select. */
export function budgetSelector(pdb: K8sObject): (pod: K8sObject) => boolean {
  let requirements: Requirement[] | false | undefined;
  return (pod) => {
    const selector = pdb.spec?.selector;
    if (selector === undefined || selector === null || pdb.metadata.namespace !== pod.metadata.namespace)
      return false;
    if (requirements === undefined) {
      const expressions: Array<{ operator?: string }> = selector.matchExpressions ?? [];
      requirements =
        !expressions.some((e) => !KNOWN_OPERATORS.has(e.operator ?? '')) && selectorRequirements(selector);
    }
    return requirements !== false && matchesRequirements(requirements, pod.metadata.labels);
  };
}

/** The desired scale behind one pod's controller: {uid, scale} of the Deployment/ReplicaSet/StatefulSet. */
function controllerScale(
  store: SandboxStore,
  namespace: string,
  pod: K8sObject,
): { uid: string; scale: number } | undefined {
  const ref = controllerOf(pod);
  if (!ref) return undefined;
  const owned = (resource: string, name: string, uid: string) => {
    const o = store.peek(resource, namespace, name);
    return o?.metadata.uid === uid ? o : undefined;
  };
  if (ref.kind === 'ReplicaSet') {
    const rs = owned('replicasets', ref.name, ref.uid);
    if (!rs) return undefined;
    // A ReplicaSet managed by a Deployment counts at the Deployment's scale (the getPodDeployment finder).
    const dRef = controllerOf(rs);
    const d = dRef?.kind === 'Deployment' ? owned('deployments', dRef.name, dRef.uid) : undefined;
    if (dRef?.kind === 'Deployment')
      return d ? { uid: d.metadata.uid as string, scale: d.spec?.replicas ?? 1 } : undefined;
    return { uid: rs.metadata.uid as string, scale: rs.spec?.replicas ?? 1 };
  }
  if (ref.kind === 'StatefulSet') {
    const sts = owned('statefulsets', ref.name, ref.uid);
    return sts ? { uid: ref.uid, scale: sts.spec?.replicas ?? 1 } : undefined;
  }
  // DaemonSets and other kinds have no scale subresource: the real finders find no controller either.
  return undefined;
}

/** getExpectedScale: the summed scale of the pods' controllers; pods without a controller are skipped. */
function expectedScale(store: SandboxStore, pdb: K8sObject, pods: K8sObject[]): number | string {
  const scales = new Map<string, number>();
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref || scales.has(ref.uid)) continue;
    const found = controllerScale(store, pdb.metadata.namespace as string, pod);
    if (!found) return `found no controllers for pod "${pod.metadata.name}"`;
    scales.set(ref.uid, found.scale);
  }
  return [...scales.values()].reduce((a, b) => a + b, 0);
}

/** expectedPods and desiredHealthy from minAvailable / maxUnavailable (int or percent, rounded up). */
function expectation(
  store: SandboxStore,
  pdb: K8sObject,
  pods: K8sObject[],
): { expected: number; desired: number } | string {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expected = expectedScale(store, pdb, pods);
    if (typeof expected === 'string') return expected;
    return { expected, desired: Math.max(0, expected - intOrPercent(maxUnavailable, expected, true)) };
  }
  if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
  if (minAvailable !== undefined && minAvailable !== null) {
    const expected = expectedScale(store, pdb, pods);
    if (typeof expected === 'string') return expected;
    return { expected, desired: intOrPercent(minAvailable, expected, true) };
  }
  return { expected: 0, desired: 0 };
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** meta.SetStatusCondition for the DisruptionAllowed condition: keeps lastTransitionTime unless status flips. */
export function withAllowedCondition(
  conditions: Condition[] | undefined,
  wanted: Omit<Condition, 'type' | 'lastTransitionTime'>,
): Condition[] {
  const others = (conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  const old = (conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
  const lastTransitionTime =
    old?.status === wanted.status && old.lastTransitionTime ? old.lastTransitionTime : timestamp();
  return [...others, { type: 'DisruptionAllowed', ...wanted, lastTransitionTime }];
}

/** UpdateDisruptionAllowedCondition: SufficientPods while disruptions are allowed, else InsufficientPods. */
export function allowedCondition(status: Record<string, unknown>): Condition[] {
  const allowed = Number(status.disruptionsAllowed ?? 0) > 0;
  return withAllowedCondition(status.conditions as Condition[] | undefined, {
    status: allowed ? 'True' : 'False',
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: Number(status.observedGeneration ?? 0),
  });
}

/** Recomputes one budget's status at `now` (ms) and writes it when it changed. */
export function syncDisruptionBudget(store: SandboxStore, pdb: K8sObject, now = Date.now()): void {
  const pods = store.peekList('pods', pdb.metadata.namespace).filter(budgetSelector(pdb));
  const old: Record<string, unknown> = pdb.status ?? {};
  const expect = expectation(store, pdb, pods);
  let status: Record<string, unknown>;
  if (typeof expect === 'string') {
    // failSafe: no disruptions, a SyncFailed condition, and observedGeneration left behind, so evictions
    // answer "still being processed" until the budget can be computed.
    status = {
      // Go serialises these counters even when zero.
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      ...old,
      disruptionsAllowed: 0,
      conditions: withAllowedCondition(old.conditions as Condition[] | undefined, {
        status: 'False',
        reason: 'SyncFailed',
        message: expect,
        observedGeneration: Number(old.observedGeneration ?? 0),
      }),
    };
  } else {
    // Evicted pods stay out of currentHealthy until they are gone, being deleted, or the entry times out.
    const previous = (old.disruptedPods ?? {}) as Record<string, string>;
    const disrupted: Record<string, string> = {};
    for (const pod of pods) {
      const at = previous[pod.metadata.name ?? ''];
      if (at && !isDeleting(pod) && Date.parse(at) + DELETION_TIMEOUT_MS > now)
        disrupted[pod.metadata.name ?? ''] = at;
    }
    const healthy = pods.filter(
      (p) => !isDeleting(p) && !Object.hasOwn(disrupted, p.metadata.name ?? '') && isPodReady(p),
    ).length;
    const allowed = expect.expected <= 0 ? 0 : Math.max(0, healthy - expect.desired);
    status = {
      ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: expect.desired,
      expectedPods: expect.expected,
      observedGeneration: pdb.metadata.generation ?? 1,
      conditions: old.conditions,
    };
    status.conditions = allowedCondition(status);
  }
  if (jsonEqual(status, old)) return;
  const latest = store.peek('poddisruptionbudgets', pdb.metadata.namespace, pdb.metadata.name as string);
  if (latest) store.update('poddisruptionbudgets', { ...latest, status });
}

/**
 * Runs syncDisruptionBudget for every budget. It is listed before the workload controllers so that an
 * evicted StatefulSet pod's entry is dropped while the pod is gone, before a same-named pod replaces it.
 */
export function disruptionController(store: SandboxStore): void {
  for (const pdb of store.peekList('poddisruptionbudgets')) {
    if (!isDeleting(pdb)) syncDisruptionBudget(store, pdb);
  }
}
