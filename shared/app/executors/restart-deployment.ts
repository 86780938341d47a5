import type { Plan } from '#domain/actions/plan.js';
import {
  buildRestartPatch,
  checkRestartable,
  RESTARTED_AT_ANNOTATION,
} from '#domain/actions/restart/restart-patch.js';
import { STRATEGIC_MERGE_PATCH } from '#domain/actions/rollback/objects.js';
import type { WorkloadPatch } from '#domain/cluster/port.js';
import { gitopsGate } from './gitops.js';
import { loadDeployment } from './resolve-workload.js';
import { ExecutionCode, type ExecutionContext, type ExecutionResult } from './result.js';

type RestartDeploymentPlan = Extract<Plan, { action: 'restartDeployment' }>;

/** kubectl's wording when the annotation already has this second's value: the patch would change nothing. */
const RESTARTED_THIS_SECOND =
  'if restart has already been triggered within the past second, please wait before attempting to trigger another';

/** `kubectl rollout restart`: stamp the pod template with restartedAt, so the controller rolls every pod. */
export const executeRestartDeployment = async (
  plan: RestartDeploymentPlan,
  ctx: ExecutionContext,
): Promise<ExecutionResult> => {
  const loaded = await loadDeployment(plan.target, ctx, 'restart');
  if (!loaded.ok) return loaded.result;
  const { namespace } = plan.target;
  const { deployment, name, subject, details } = loaded;
  const restartable = checkRestartable(deployment);
  if (!restartable.ok) {
    const reason = `cannot restart ${subject}: ${restartable.reason}`;
    return { outcome: 'failed', code: ExecutionCode.Refused, reason, details };
  }
  const body = buildRestartPatch(ctx.now());
  const restartedAt = body.spec.template.metadata.annotations[RESTARTED_AT_ANNOTATION];
  if (deployment.spec.template.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === restartedAt) {
    const reason = `${subject} not restarted: ${RESTARTED_THIS_SECOND}`;
    return { outcome: 'skipped', code: ExecutionCode.AlreadyAtTarget, reason, details };
  }
  const ref = { group: 'apps', kind: 'Deployment', namespace, name, metadata: deployment.metadata };
  const gate = await gitopsGate(ref, plan.gitops, subject, 'restart', ctx.policy, ctx);
  if (!gate.proceed) return { ...gate.result, details: { ...details, ...gate.result.details } };
  const patch: WorkloadPatch = { contentType: STRATEGIC_MERGE_PATCH, body };
  const sent = await ctx.cluster.patchWorkload('Deployment', namespace, name, patch, ctx.signal);
  if (sent === 'gone') {
    const reason = `${subject} disappeared before the restart`;
    return gate.finish({ outcome: 'skipped', code: ExecutionCode.TargetGone, reason, details });
  }
  return gate.finish({
    outcome: 'acted',
    code: 'restartDeployment',
    reason: `restarted ${subject}: a new rollout replaces its pods (${RESTARTED_AT_ANNOTATION}=${restartedAt})`,
    details: { ...details, deployment: name, restartedAt },
  });
};
