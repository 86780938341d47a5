import type { Deployment } from '#domain/actions/rollback/objects.js';
import { deploymentOfPod, workloadOfPod } from '#domain/actions/rollback/owners.js';
import type { WorkloadKind } from '#domain/cluster/port.js';
import type { Target } from '#domain/target/target.js';
import {
  type Details,
  ExecutionCode,
  type ExecutionContext,
  type ExecutionResult,
  located,
} from './result.js';

export type WorkloadResolution =
  | { ok: true; name: string; details: Details }
  | { ok: false; result: ExecutionResult };

/**
 * The name of the workload a plan acts on: the target itself, or, when the policy named a pod, the workload
 * found by following its controller references (Pod → ReplicaSet → Deployment, or Pod → StatefulSet/DaemonSet).
 */
export const resolveWorkload = async (
  kind: WorkloadKind,
  target: Target,
  ctx: ExecutionContext,
): Promise<WorkloadResolution> => {
  if (target.kind === kind) return { ok: true, name: target.name, details: {} };
  const { namespace, name } = target;
  const pod = await ctx.cluster.getPod(namespace, name, ctx.signal);
  if (!pod) {
    const reason = `pod ${located(target)} no longer exists, so its ${kind.toLowerCase()} cannot be found`;
    return { ok: false, result: { outcome: 'skipped', code: ExecutionCode.TargetGone, reason } };
  }
  const podObject = { metadata: pod.metadata };
  let found: { ok: true; name: string; details: Details } | { ok: false; reason: string };
  if (kind === 'Deployment') {
    // Only the pod's own ReplicaSet is fetched: listing every ReplicaSet of a namespace could be thousands.
    const rs = pod.ownerKind === 'ReplicaSet' && pod.ownerName ? pod.ownerName : undefined;
    const replicaSet =
      rs === undefined ? undefined : await ctx.cluster.getReplicaSet(namespace, rs, ctx.signal);
    const owner = deploymentOfPod(podObject, replicaSet ? [replicaSet] : []);
    found = owner.ok
      ? { ok: true, name: owner.deployment, details: { viaPod: name, viaReplicaSet: owner.replicaSet } }
      : owner;
  } else {
    const owner = workloadOfPod(podObject, kind);
    found = owner.ok ? { ok: true, name: owner.name, details: { viaPod: name } } : owner;
  }
  if (found.ok) return found;
  const reason = `cannot find the ${kind.toLowerCase()} of pod ${located(target)}: ${found.reason}`;
  return { ok: false, result: { outcome: 'failed', code: ExecutionCode.OwnerNotFound, reason } };
};

/**
 * The Deployment a plan acts on, fetched: resolved through the pod when needed, or a `target-gone` result
 * (`nothing to <verb>`) when it no longer exists. `subject` names it for reasons.
 */
export const loadDeployment = async (
  target: Target,
  ctx: ExecutionContext,
  verb: string,
): Promise<
  | { ok: true; deployment: Deployment; name: string; subject: string; details: Details }
  | { ok: false; result: ExecutionResult }
> => {
  const owner = await resolveWorkload('Deployment', target, ctx);
  if (!owner.ok) return owner;
  const subject = `deployment ${located(target, owner.name)}`;
  const deployment = await ctx.cluster.getDeployment(target.namespace, owner.name, ctx.signal);
  if (!deployment) {
    const reason = `${subject} no longer exists; nothing to ${verb}`;
    return {
      ok: false,
      result: { outcome: 'skipped', code: ExecutionCode.TargetGone, reason, details: owner.details },
    };
  }
  return { ok: true, deployment, name: owner.name, subject, details: owner.details };
};
