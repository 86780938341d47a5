import type { OwnerReference, Pod, ReplicaSet } from './objects.js';
import { controllerOf } from './revision.js';

export type PodDeploymentResolution =
  | { ok: true; deployment: string; replicaSet: string }
  | { ok: false; reason: string };

/** `apps/v1` → `apps`; the core group has no slash and is "". */
const groupOf = (ref: OwnerReference): string | undefined =>
  ref.apiVersion === undefined ? undefined : ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';

// A kind is only what it says within its API group: Argo Rollouts' `Rollout` also owns ReplicaSets, and a
// custom resource may call itself "Deployment". A reference without apiVersion is taken at its word.
const isApps = (ref: OwnerReference, kind: string): boolean =>
  ref.kind === kind && (groupOf(ref) ?? 'apps') === 'apps';

const describe = (ref: OwnerReference): string => `${ref.kind} ${JSON.stringify(ref.name)}`;

/**
 * The Deployment running a pod, found by following controller references Pod → ReplicaSet → Deployment,
 * matching the ReplicaSet by UID; or why the pod has none. `replicaSets` are those of the pod's namespace.
 */
export const deploymentOfPod = (pod: Pod, replicaSets: readonly ReplicaSet[]): PodDeploymentResolution => {
  const podName = `pod ${JSON.stringify(pod.metadata.name)}`;
  const podOwner = controllerOf(pod);
  if (podOwner === undefined) return { ok: false, reason: `${podName} has no controller` };
  if (!isApps(podOwner, 'ReplicaSet')) {
    return { ok: false, reason: `${podName} is controlled by ${describe(podOwner)}, not by a ReplicaSet` };
  }
  const rs = replicaSets.find((r) => r.metadata.uid === podOwner.uid);
  if (rs === undefined) {
    return { ok: false, reason: `${describe(podOwner)}, controller of ${podName}, was not found` };
  }
  const rsOwner = controllerOf(rs);
  if (rsOwner === undefined) {
    return { ok: false, reason: `${describe(podOwner)} has no controller, so no Deployment runs ${podName}` };
  }
  if (!isApps(rsOwner, 'Deployment')) {
    const reason = `${describe(podOwner)} is controlled by ${describe(rsOwner)}, not by a Deployment`;
    return { ok: false, reason };
  }
  return { ok: true, deployment: rsOwner.name, replicaSet: rs.metadata.name };
};

export type PodWorkloadResolution = { ok: true; name: string } | { ok: false; reason: string };

/** The StatefulSet or DaemonSet controlling a pod (they own their pods directly), or why there is none. */
export const workloadOfPod = (pod: Pod, kind: 'StatefulSet' | 'DaemonSet'): PodWorkloadResolution => {
  const podName = `pod ${JSON.stringify(pod.metadata.name)}`;
  const owner = controllerOf(pod);
  if (owner === undefined) return { ok: false, reason: `${podName} has no controller` };
  if (!isApps(owner, kind)) {
    return { ok: false, reason: `${podName} is controlled by ${describe(owner)}, not by a ${kind}` };
  }
  return { ok: true, name: owner.name };
};
