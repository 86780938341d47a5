// The StatefulSet controller: ordinal pods `<name>-0..N-1`, one ControllerRevision per template, a rolling
// update that recreates pods not at the update revision, and the status `kubectl rollout status` reads.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { jsonEqual } from '../util.js';
import {
  currentRevision,
  dataHash,
  REVISION_HASH_LABEL,
  revisionsOf,
  templateOf,
  truncateHistory,
} from './history.js';
import { controllerRef, isControlledBy, isDeleting, isPodReady, omitZero } from './util.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal of one of the set's pods (`web-2` → 2), or undefined for a name that is not `<set>-<n>`. */
export function ordinalOf(sts: K8sObject, pod: K8sObject): number | undefined {
  const prefix = `${sts.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** The pod for `ordinal`, made from the template stored in `revision` (newStatefulSetPod). */
function newPod(sts: K8sObject, ordinal: number, revision: K8sObject): K8sObject {
  const template = templateOf(revision);
  const name = `${sts.metadata.name}-${ordinal}`;
  const annotations = template.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: sts.metadata.namespace as string,
      labels: {
        ...template.metadata?.labels,
        // StatefulSet pods carry the full revision name here (DaemonSet pods only the hash).
        [REVISION_HASH_LABEL]: revision.metadata.name as string,
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
      },
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerRef(sts)],
    },
    spec: {
      ...structuredClone(template.spec ?? {}),
      hostname: name,
      ...(sts.spec?.serviceName ? { subdomain: sts.spec.serviceName } : {}),
    },
  };
}

const revisionLabel = (pod: K8sObject): string | undefined => pod.metadata.labels?.[REVISION_HASH_LABEL];

/** Reconciles one StatefulSet: revisions, pods per ordinal, rolling update, history limit, status. */
export function syncStatefulSet(store: SandboxStore, sts: K8sObject): void {
  const namespace = sts.metadata.namespace as string;
  const name = sts.metadata.name as string;
  const { revision: update, collisionCount } = currentRevision(store, sts, {
    hash: (c) => dataHash(sts.spec?.template, c),
    collisionCount: sts.status?.collisionCount ?? 0,
  });
  // The revision the set was at before this template (the update revision for a new set).
  const current =
    revisionsOf(store, sts).find((cr) => cr.metadata.name === sts.status?.currentRevision) ?? update;
  const strategy = sts.spec?.updateStrategy ?? {};
  const rolling = strategy.type !== 'OnDelete';
  const partition: number = rolling ? (strategy.rollingUpdate?.partition ?? 0) : 0;
  const replicas: number = sts.spec?.replicas ?? 1;
  const owned = () => store.peekControlled('pods', namespace, sts.metadata.uid).filter((p) => !isDeleting(p));

  // Scale down from the highest ordinal, like OrderedReady (instant here).
  const surplus = owned()
    .filter((p) => (ordinalOf(sts, p) ?? replicas) >= replicas)
    .sort((a, b) => (ordinalOf(sts, b) ?? -1) - (ordinalOf(sts, a) ?? -1));
  for (const pod of surplus) store.delete('pods', namespace, pod.metadata.name as string);

  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    const pod = store.peek('pods', namespace, `${name}-${ordinal}`);
    if (pod) {
      // A same-named pod the set does not control is left alone (the real controller reports a
      // conflict); one being deleted is recreated once it is gone.
      if (!isControlledBy(pod, sts) || isDeleting(pod)) continue;
      // RollingUpdate replaces pods at or above the partition that are not at the update revision;
      // OnDelete only replaces pods someone deleted.
      const stale = rolling && ordinal >= partition && revisionLabel(pod) !== update.metadata.name;
      if (!stale) continue;
      store.delete('pods', namespace, pod.metadata.name as string);
    }
    // newVersionedStatefulSetPod: below the partition a pod is recreated at the current revision.
    store.create('pods', newPod(sts, ordinal, rolling && ordinal < partition ? current : update));
  }

  const pods = owned();
  const at = (rev: K8sObject) => pods.filter((p) => revisionLabel(p) === rev.metadata.name).length;
  const ready = pods.filter(isPodReady).length;
  const updated = at(update);
  // completeRollingUpdate: once every pod is updated and ready the update revision becomes current.
  // (With OnDelete the real controller never does this, so currentRevision stays behind.)
  const complete = rolling && updated === pods.length && ready === pods.length;
  const status = omitZero(
    {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: complete ? updated : at(current),
      updatedReplicas: updated,
      currentRevision: (complete ? update : current).metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
      availableReplicas: ready,
    },
    ['replicas', 'collisionCount', 'availableReplicas'],
  );
  const live = new Set<string>([status.currentRevision ?? '', status.updateRevision ?? '']);
  for (const pod of pods) live.add(revisionLabel(pod) ?? '');
  truncateHistory(store, sts, live, sts.spec?.revisionHistoryLimit ?? 10);

  const latest = store.peek('statefulsets', namespace, name);
  if (latest && !jsonEqual(latest.status, status)) store.update('statefulsets', { ...latest, status });
}

/** Runs syncStatefulSet for every StatefulSet. */
export function statefulSetController(store: SandboxStore): void {
  for (const sts of store.peekList('statefulsets')) {
    if (!isDeleting(sts)) syncStatefulSet(store, sts);
  }
}
