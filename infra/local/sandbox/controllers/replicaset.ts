// The ReplicaSet controller: keeps spec.replicas pods with the template, and reports status.

import { matchesRequirements, selectorRequirements } from '../selectors.js';
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { jsonEqual } from '../util.js';
import { controllerRef, omitZero } from './util.js';

const isReady = (pod: K8sObject): boolean =>
  pod.status?.phase === 'Running' &&
  (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );

// Newest first, so scaling down removes the youngest pods (the real ranking prefers unready and
// younger pods; every sandbox pod is ready).
const newestFirst = (a: K8sObject, b: K8sObject): number =>
  (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
  Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion);

function newPod(rs: K8sObject): K8sObject {
  const template = rs.spec?.template ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace as string,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(rs)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** Reconciles one ReplicaSet: creates or deletes pods, then updates status if it changed. */
export function syncReplicaSet(store: SandboxStore, rs: K8sObject): void {
  const namespace = rs.metadata.namespace as string;
  const owned = () =>
    store.peekControlled('pods', namespace, rs.metadata.uid).filter((p) => !p.metadata.deletionTimestamp);
  let pods = owned();
  const want: number = rs.spec?.replicas ?? 1;
  for (let i = pods.length; i < want; i++) store.create('pods', newPod(rs));
  if (pods.length > want) {
    for (const extra of pods.sort(newestFirst).slice(0, pods.length - want)) {
      store.delete('pods', namespace, extra.metadata.name as string);
    }
  }
  pods = owned();
  const templateLabels = selectorRequirements({ matchLabels: rs.spec?.template?.metadata?.labels ?? {} });
  const ready = pods.filter(isReady).length;
  const status = omitZero(
    {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => matchesRequirements(templateLabels, p.metadata.labels)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    },
    ['replicas'],
  );
  const current = store.peek('replicasets', namespace, rs.metadata.name as string);
  if (current && !jsonEqual(current.status, status)) store.update('replicasets', { ...current, status });
}

/** Runs syncReplicaSet for every ReplicaSet. */
export function replicaSetController(store: SandboxStore): void {
  for (const rs of store.peekList('replicasets')) {
    if (!rs.metadata.deletionTimestamp) syncReplicaSet(store, rs);
  }
}
