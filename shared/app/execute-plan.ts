import { describePlan, type Plan } from '#domain/actions/plan.js';
import type { Clusters } from '#domain/ports.js';
import { executeDeletePod } from './executors/delete-pod.js';
import { executeEvictPod } from './executors/evict-pod.js';
import { executeRestartDeployment } from './executors/restart-deployment.js';
import type { ExecutionContext, ExecutionResult } from './executors/result.js';
import { executeRollbackDeployment } from './executors/rollback-deployment.js';
import { executeRollbackWorkload } from './executors/rollback-workload.js';

export type { ExecutionResult } from './executors/result.js';

/**
 * Carries out a plan against the cluster; returns the outcome fields of the audit record. Outcomes the
 * executor can judge (target gone, blocked by a budget, refused as kubectl would) come back as results;
 * transport and API errors are thrown, for the use case to decide whether a retry can help.
 */
export const executePlan = async (
  plan: Plan,
  clusters: Clusters,
  now: () => Date,
  signal?: AbortSignal,
): Promise<ExecutionResult> => {
  if (plan.action === 'notifyOnly') {
    return { outcome: 'acted', code: 'notifyOnly', reason: describePlan(plan) };
  }
  const ctx: ExecutionContext = { cluster: await clusters.connect(plan.target), now, signal };
  switch (plan.action) {
    case 'deletePod':
      return executeDeletePod(plan, ctx);
    case 'evictPod':
      return executeEvictPod(plan, ctx);
    case 'rollbackDeployment':
      return executeRollbackDeployment(plan, ctx);
    case 'restartDeployment':
      return executeRestartDeployment(plan, ctx);
    case 'rollbackWorkload':
      return executeRollbackWorkload(plan, ctx);
  }
};
