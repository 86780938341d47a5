import { describeBudgetRefusal, refusingBudget } from '#domain/actions/disruption/eviction-refusal.js';
import type { Plan } from '#domain/actions/plan.js';
import { ExecutionCode, type ExecutionContext, type ExecutionResult, located } from './result.js';

type EvictPodPlan = Extract<Plan, { action: 'evictPod' }>;

/**
 * POST a policy/v1 Eviction with a uid precondition. A budget's refusal (429) is reported as a skip: it
 * is the budget doing its job, so remedy neither forces the pod out nor retries until the alert fires again.
 */
export const executeEvictPod = async (
  plan: EvictPodPlan,
  ctx: ExecutionContext,
): Promise<ExecutionResult> => {
  const { namespace, name } = plan.target;
  const where = located(plan.target);
  const pod = await ctx.cluster.getPod(namespace, name, ctx.signal);
  if (!pod) {
    const reason = `pod ${where} no longer exists; nothing to evict`;
    return { outcome: 'skipped', code: ExecutionCode.TargetGone, reason };
  }
  const details = {
    podUid: pod.uid,
    ...(pod.ownerKind ? { owner: `${pod.ownerKind}/${pod.ownerName ?? ''}` } : {}),
  };
  const eviction = await ctx.cluster.evictPod(namespace, name, pod.uid, plan.gracePeriodSeconds, ctx.signal);
  switch (eviction.result) {
    case 'evicted':
      return { outcome: 'acted', code: 'evictPod', reason: `evicted pod ${where}`, details };
    case 'gone':
      return {
        outcome: 'skipped',
        code: ExecutionCode.TargetGone,
        reason: `pod ${where} disappeared before eviction`,
        details,
      };
    case 'replaced':
      return {
        outcome: 'skipped',
        code: ExecutionCode.TargetReplaced,
        reason: `pod ${where} was replaced (uid changed) before eviction; the new pod is left alone`,
        details,
      };
    case 'blocked': {
      const budget = refusingBudget(eviction.causes);
      return {
        outcome: 'skipped',
        code: ExecutionCode.BlockedByPdb,
        reason: `pod ${where} not evicted: ${describeBudgetRefusal(eviction.causes, eviction.message)}; not forced`,
        details: { ...details, apiMessage: eviction.message, ...(budget ? { budget } : {}) },
      };
    }
    case 'multiple-budgets':
      return {
        outcome: 'failed',
        code: ExecutionCode.MultiplePdbs,
        reason: `pod ${where} not evicted: more than one PodDisruptionBudget selects it (${eviction.message})`,
        details: { ...details, apiMessage: eviction.message },
      };
  }
};
