import { formatDuration } from '#domain/actions/duration.js';
import type { Plan } from '#domain/actions/plan.js';
import { JSON_PATCH } from '#domain/actions/rollback/objects.js';
import { planDeploymentRollback } from '#domain/actions/rollback/plan-rollback.js';
import type { WorkloadPatch } from '#domain/cluster/port.js';
import { gitopsGate } from './gitops.js';
import { loadDeployment } from './resolve-workload.js';
import { ExecutionCode, type ExecutionContext, type ExecutionResult, imageList } from './result.js';

type RollbackDeploymentPlan = Extract<Plan, { action: 'rollbackDeployment' }>;

/**
 * `kubectl rollout undo` on the Deployment: GET it, list the ReplicaSets its selector matches, let the pure
 * planner decide (kubectl's checks plus the freshness guard), then send kubectl's JSON patch.
 */
export const executeRollbackDeployment = async (
  plan: RollbackDeploymentPlan,
  ctx: ExecutionContext,
): Promise<ExecutionResult> => {
  const loaded = await loadDeployment(plan.target, ctx, 'roll back');
  if (!loaded.ok) return loaded.result;
  const { namespace } = plan.target;
  const { deployment, name, subject, details } = loaded;
  const replicaSets = await ctx.cluster.listReplicaSets(namespace, deployment.spec.selector, ctx.signal);
  const limit = plan.onlyIfRevisionYoungerThanSeconds;
  const decision = planDeploymentRollback({
    deployment,
    replicaSets,
    toRevision: plan.toRevision,
    onlyIfRevisionYoungerThanSeconds: limit,
    now: ctx.now(),
  });
  switch (decision.kind) {
    case 'skip':
      return {
        outcome: 'skipped',
        code: ExecutionCode.AlreadyAtTarget,
        reason: `${subject}: ${decision.reason}`,
        details,
      };
    case 'notify':
      return {
        outcome: 'skipped',
        code: ExecutionCode.NotFresh,
        reason: `${subject} not rolled back, revision older than ${formatDuration(limit ?? 0)}: ${decision.reason}`,
        details,
      };
    case 'refuse':
      return {
        outcome: 'failed',
        code: ExecutionCode.Refused,
        reason: `cannot roll back ${subject}: ${decision.reason}`,
        details,
      };
    case 'patch':
      break;
  }
  const ref = { group: 'apps', kind: 'Deployment', namespace, name, metadata: deployment.metadata };
  const gate = await gitopsGate(ref, plan.gitops, subject, 'roll back', ctx.policy, ctx);
  if (!gate.proceed) return { ...gate.result, details: { ...details, ...gate.result.details } };
  const patch: WorkloadPatch = { contentType: JSON_PATCH, body: decision.patch };
  const sent = await ctx.cluster.patchWorkload('Deployment', namespace, name, patch, ctx.signal);
  if (sent === 'gone') {
    const reason = `${subject} disappeared before the rollback`;
    return gate.finish({ outcome: 'skipped', code: ExecutionCode.TargetGone, reason, details });
  }
  const from = `revision ${decision.fromRevision} (${imageList(decision.fromImages)})`;
  const to = `revision ${decision.toRevision} (${imageList(decision.toImages)})`;
  return gate.finish({
    outcome: 'acted',
    code: 'rollbackDeployment',
    reason: `rolled back ${subject} from ${from} to ${to}`,
    details: {
      ...details,
      deployment: name,
      fromRevision: decision.fromRevision,
      toRevision: decision.toRevision,
      fromImages: imageList(decision.fromImages),
      toImages: imageList(decision.toImages),
    },
  });
};
