import type { Plan } from '#domain/actions/plan.js';
import { planControllerRevisionRollback } from '#domain/actions/rollback/controller-revisions.js';
import { imagesOf, templateOfRevisionData } from '#domain/actions/rollback/objects.js';
import { gitopsGate } from './gitops.js';
import { resolveWorkload } from './resolve-workload.js';
import { ExecutionCode, type ExecutionContext, type ExecutionResult, imageList, located } from './result.js';

type RollbackWorkloadPlan = Extract<Plan, { action: 'rollbackWorkload' }>;

/**
 * `kubectl rollout undo` on a StatefulSet or DaemonSet: list the ControllerRevisions its selector matches,
 * let the pure planner pick one it controls, and send that revision's data as a strategic-merge patch.
 */
export const executeRollbackWorkload = async (
  plan: RollbackWorkloadPlan,
  ctx: ExecutionContext,
): Promise<ExecutionResult> => {
  const owner = await resolveWorkload(plan.kind, plan.target, ctx);
  if (!owner.ok) return owner.result;
  const { namespace } = plan.target;
  const subject = `${plan.kind.toLowerCase()} ${located(plan.target, owner.name)}`;
  const details = owner.details;
  const workload = await ctx.cluster.getRevisionedWorkload(plan.kind, namespace, owner.name, ctx.signal);
  if (!workload) {
    const reason = `${subject} no longer exists; nothing to roll back`;
    return { outcome: 'skipped', code: ExecutionCode.TargetGone, reason, details };
  }
  const history = await ctx.cluster.listControllerRevisions(namespace, workload.spec.selector, ctx.signal);
  const decision = planControllerRevisionRollback(workload, history, plan.toRevision);
  if (decision.kind === 'skip') {
    const reason = `${subject}: ${decision.reason}`;
    return { outcome: 'skipped', code: ExecutionCode.AlreadyAtTarget, reason, details };
  }
  if (decision.kind === 'refuse') {
    const reason = `cannot roll back ${subject}: ${decision.reason}`;
    return { outcome: 'failed', code: ExecutionCode.Refused, reason, details };
  }
  const ref = { group: 'apps', kind: plan.kind, namespace, name: owner.name, metadata: workload.metadata };
  const gate = await gitopsGate(ref, plan.gitops, subject, 'roll back', ctx.policy, ctx);
  if (!gate.proceed) return { ...gate.result, details: { ...details, ...gate.result.details } };
  const patch = { contentType: decision.patchType, body: decision.body };
  const sent = await ctx.cluster.patchWorkload(plan.kind, namespace, owner.name, patch, ctx.signal);
  if (sent === 'gone') {
    const reason = `${subject} disappeared before the rollback`;
    return gate.finish({ outcome: 'skipped', code: ExecutionCode.TargetGone, reason, details });
  }
  const fromImages = imageList(imagesOf(workload.spec.template));
  const toImages = imageList(imagesOf(templateOfRevisionData(decision.body)));
  return gate.finish({
    outcome: 'acted',
    code: 'rollbackWorkload',
    reason: `rolled back ${subject} from revision ${decision.fromRevision} (${fromImages}) to revision ${decision.toRevision} (${toImages})`,
    details: {
      ...details,
      [plan.kind.toLowerCase()]: owner.name,
      fromRevision: decision.fromRevision,
      toRevision: decision.toRevision,
      fromImages,
      toImages,
    },
  });
};
