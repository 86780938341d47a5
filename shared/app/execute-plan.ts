import { describePlan, type Plan } from '#domain/actions/plan.js';
import type { AuditRecord } from '#domain/audit.js';
import type { Clusters } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';

/** The outcome fields of the audit record for a plan carried out (or found moot: target gone or replaced). */
export type ExecutionResult = Pick<AuditRecord, 'outcome' | 'code' | 'reason' | 'details'>;

/** Carries out a plan against the cluster; returns the outcome fields of the audit record. */
export const executePlan = async (
  plan: Plan,
  clusters: Clusters,
  signal?: AbortSignal,
): Promise<ExecutionResult> => {
  if (plan.action === 'notifyOnly') {
    return { outcome: 'acted', code: 'notifyOnly', reason: describePlan(plan) };
  }
  const { namespace, name } = plan.target;
  const cluster = await clusters.connect(plan.target);
  const pod = await cluster.getPod(namespace, name, signal);
  if (!pod) {
    return {
      outcome: 'skipped',
      code: 'target-gone',
      reason: `pod ${namespace}/${name} no longer exists; nothing to delete`,
    };
  }
  const result = await cluster.deletePod(namespace, name, pod.uid, plan.gracePeriodSeconds, signal);
  const details = {
    podUid: pod.uid,
    ...(pod.ownerKind ? { owner: `${pod.ownerKind}/${pod.ownerName ?? ''}` } : {}),
  };
  switch (result) {
    case 'deleted':
      return {
        outcome: 'acted',
        code: 'deletePod',
        reason: `deleted pod ${targetRef(plan.target)}`,
        details,
      };
    case 'gone':
      return {
        outcome: 'skipped',
        code: 'target-gone',
        reason: `pod ${namespace}/${name} disappeared before deletion`,
        details,
      };
    case 'replaced':
      return {
        outcome: 'skipped',
        code: 'target-replaced',
        reason: `pod ${namespace}/${name} was replaced (uid changed) before deletion; the new pod is left alone`,
        details,
      };
  }
};
