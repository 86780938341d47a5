// The DaemonSet controller: one pod per eligible sandbox node, one ControllerRevision per template, a
// rolling update that replaces pods whose revision hash is stale, and the status `rollout status` reads.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { jsonEqual } from '../util.js';
import { podTemplateHash } from './deployment.js';
import { currentRevision, REVISION_HASH_LABEL, truncateHistory } from './history.js';
import { nodeMatches, SANDBOX_NODES, type SandboxNode } from './nodes.js';
import { controllerRef, isDeleting, isPodReady, omitZero } from './util.js';

export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

// The tolerations the DaemonSet controller adds to every daemon pod (util.AddOrUpdateDaemonPodTolerations).
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function newPod(ds: K8sObject, target: SandboxNode, hash: string): K8sObject {
  const template = ds.spec?.template ?? {};
  const spec = structuredClone(template.spec ?? {});
  const tolerations: Array<{ key?: string }> = spec.tolerations ?? [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace as string,
      labels: {
        ...template.metadata?.labels,
        [REVISION_HASH_LABEL]: hash,
        [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1),
      },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(ds)],
    },
    spec: {
      ...spec,
      // The real controller pins the pod with node affinity and the scheduler binds it; without a
      // scheduler the sandbox sets nodeName as well.
      nodeName: target.name,
      affinity: {
        ...spec.affinity,
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: [target.name] }] },
            ],
          },
        },
      },
      tolerations: [
        ...tolerations,
        ...DAEMON_TOLERATIONS.filter((t) => !tolerations.some((o) => o.key === t.key)),
      ],
    },
  };
}

const oldestFirst = (a: K8sObject, b: K8sObject): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);

/** Reconciles one DaemonSet: revisions, a pod per eligible node, rolling update, history, status. */
export function syncDaemonSet(store: SandboxStore, ds: K8sObject): void {
  const namespace = ds.metadata.namespace as string;
  const { revision, collisionCount } = currentRevision(store, ds, {
    hash: (c) => podTemplateHash(ds.spec?.template, c),
    collisionCount: ds.status?.collisionCount ?? 0,
  });
  const hash = revision.metadata.labels?.[REVISION_HASH_LABEL] ?? '';
  const rolling = ds.spec?.updateStrategy?.type !== 'OnDelete';
  const eligible = SANDBOX_NODES.filter((n) => nodeMatches(ds.spec?.template?.spec?.nodeSelector, n));
  const owned = () =>
    store
      .peekControlled('pods', namespace, ds.metadata.uid)
      .filter((p) => !isDeleting(p))
      .sort(oldestFirst);
  const remove = (pod: K8sObject) => store.delete('pods', namespace, pod.metadata.name as string);

  for (const pod of owned()) if (!eligible.some((n) => n.name === pod.spec?.nodeName)) remove(pod);
  for (const target of eligible) {
    const [pod, ...duplicates] = owned().filter((p) => p.spec?.nodeName === target.name);
    for (const extra of duplicates) remove(extra);
    // RollingUpdate (maxUnavailable 1 by default; instant here) replaces pods of an older revision.
    if (pod && rolling && pod.metadata.labels?.[REVISION_HASH_LABEL] !== hash) remove(pod);
    else if (pod) continue;
    store.create('pods', newPod(ds, target, hash));
  }

  const pods = owned();
  const scheduled = eligible.filter((n) => pods.some((p) => p.spec?.nodeName === n.name));
  const ready = pods.filter(isPodReady).length;
  const status = omitZero(
    {
      currentNumberScheduled: scheduled.length,
      numberMisscheduled: pods.filter((p) => !eligible.some((n) => n.name === p.spec?.nodeName)).length,
      desiredNumberScheduled: eligible.length,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash).length,
      numberAvailable: ready,
      numberUnavailable: Math.max(0, eligible.length - ready),
      collisionCount,
    },
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
  );
  // Revisions still run by some pod (OnDelete) are history the controller keeps.
  const live = new Set<string>([revision.metadata.name as string]);
  const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]));
  for (const cr of store.peekList('controllerrevisions', namespace)) {
    if (liveHashes.has(cr.metadata.labels?.[REVISION_HASH_LABEL])) live.add(cr.metadata.name as string);
  }
  truncateHistory(store, ds, live, ds.spec?.revisionHistoryLimit ?? 10);

  const latest = store.peek('daemonsets', namespace, ds.metadata.name as string);
  if (latest && !jsonEqual(latest.status, status)) store.update('daemonsets', { ...latest, status });
}

/** Runs syncDaemonSet for every DaemonSet. */
export function daemonSetController(store: SandboxStore): void {
  for (const ds of store.peekList('daemonsets')) {
    if (!isDeleting(ds)) syncDaemonSet(store, ds);
  }
}
