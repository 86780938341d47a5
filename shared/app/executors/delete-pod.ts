import { checkDisruptionBudgets } from '#domain/actions/disruption/budget-check.js';
import type { Plan } from '#domain/actions/plan.js';
import { targetRef } from '#domain/target/target.js';
import { ExecutionCode, type ExecutionContext, type ExecutionResult, located } from './result.js';

type DeletePodPlan = Extract<Plan, { action: 'deletePod' }>;

/** DELETE the pod with a uid precondition; first, when the policy asks, check its PodDisruptionBudgets. */
export const executeDeletePod = async (
  plan: DeletePodPlan,
  ctx: ExecutionContext,
): Promise<ExecutionResult> => {
  const { namespace, name } = plan.target;
  const pod = await ctx.cluster.getPod(namespace, name, ctx.signal);
  if (!pod) {
    return {
      outcome: 'skipped',
      code: ExecutionCode.TargetGone,
      reason: `pod ${namespace}/${name} no longer exists; nothing to delete`,
    };
  }
  const details = {
    podUid: pod.uid,
    ...(pod.ownerKind ? { owner: `${pod.ownerKind}/${pod.ownerName ?? ''}` } : {}),
  };
  if (plan.respectPodDisruptionBudget) {
    const budgets = await ctx.cluster.listPodDisruptionBudgets(namespace, ctx.signal);
    const check = checkDisruptionBudgets(
      { namespace, labels: pod.metadata.labels, phase: pod.phase, ready: pod.ready },
      budgets,
    );
    if (!check.ok) {
      return {
        outcome: 'skipped',
        code: ExecutionCode.BlockedByPdb,
        reason: `pod ${located(plan.target)} not deleted: blocked by PodDisruptionBudget ${check.budget}: ${check.why}`,
        details: { ...details, budget: check.budget },
      };
    }
  }
  const result = await ctx.cluster.deletePod(namespace, name, pod.uid, plan.gracePeriodSeconds, ctx.signal);
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
        code: ExecutionCode.TargetGone,
        reason: `pod ${namespace}/${name} disappeared before deletion`,
        details,
      };
    case 'replaced':
      return {
        outcome: 'skipped',
        code: ExecutionCode.TargetReplaced,
        reason: `pod ${namespace}/${name} was replaced (uid changed) before deletion; the new pod is left alone`,
        details,
      };
  }
};
