// Deployment status: replica counters summed over its ReplicaSets and the Available/Progressing
// conditions that `kubectl rollout status` and `kubectl describe` read.
import type { K8sObject } from '../types.js';
import { timestamp } from '../util.js';
import { intOrPercent, omitZero } from './util.js';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

function available(ok: boolean): Condition {
  return ok
    ? {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      }
    : {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      };
}

function progressing(paused: boolean, complete: boolean, newRs: K8sObject | undefined): Condition {
  // A paused Deployment reports Progressing=Unknown (checkPausedConditions) until it is resumed.
  if (paused)
    return {
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    };
  const name = newRs?.metadata.name;
  return complete
    ? {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}" has successfully progressed.`,
      }
    : {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${name}" is progressing.`,
      };
}

function conditions(d: K8sObject, wanted: Condition[]): Condition[] {
  const now = timestamp();
  // Keep timestamps of unchanged conditions so a resync is a no-op (and does not bump resourceVersion).
  return wanted.map((c) => {
    const old: Condition | undefined = (d.status?.conditions ?? []).find((o: Condition) => o.type === c.type);
    const same = old && old.status === c.status && old.reason === c.reason && old.message === c.message;
    return same
      ? old
      : {
          ...c,
          lastUpdateTime: now,
          lastTransitionTime:
            old?.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now,
        };
  });
}

/** The status of Deployment `d` given all its ReplicaSets and the one of its current template (if any). */
export function deploymentStatus(
  d: K8sObject,
  all: K8sObject[],
  newRs: K8sObject | undefined,
): Record<string, unknown> {
  const sum = (f: (rs: K8sObject) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const replicas = sum((rs) => rs.status?.replicas);
  const updated: number = newRs?.status?.replicas ?? 0;
  const availableReplicas = sum((rs) => rs.status?.availableReplicas);
  const desired: number = d.spec?.replicas ?? 1;
  const maxUnavailable = intOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? 0, desired, false);
  const complete = updated === desired && replicas === desired && availableReplicas === desired;
  return omitZero({
    observedGeneration: d.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas,
    unavailableReplicas: Math.max(0, desired - availableReplicas),
    conditions: conditions(d, [
      available(availableReplicas >= desired - maxUnavailable),
      progressing(Boolean(d.spec?.paused), complete, newRs),
    ]),
    ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
  });
}
