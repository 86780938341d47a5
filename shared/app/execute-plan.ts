import { describePlan, type Plan } from '#domain/actions/plan.js';
import type { TsdbAdmin } from '#domain/actions/series/port.js';
import type { AlertContext, UserActionBackends } from '#domain/actions/user/port.js';
import type { Clusters } from '#domain/ports.js';
import { executeDeletePod } from './executors/delete-pod.js';
import { executeDeleteSeries } from './executors/delete-series.js';
import { executeEvictPod } from './executors/evict-pod.js';
import { executeRestartDeployment } from './executors/restart-deployment.js';
import type { ExecutionContext, ExecutionResult } from './executors/result.js';
import { executeRollbackDeployment } from './executors/rollback-deployment.js';
import { executeRollbackWorkload } from './executors/rollback-workload.js';
import { executeUserAction } from './executors/user-action.js';

export type { ExecutionResult } from './executors/result.js';

/** The clients actions that do not talk to Kubernetes need; each is optional so tests wire only theirs. */
export interface ActionBackends {
  /** SSM Automation, Step Functions and Lambda, for the user-defined actions. */
  aws?: UserActionBackends;
  /** The TSDB admin API of each cluster's Prometheus, for deleteSeries. */
  tsdb?: TsdbAdmin;
}

/** What an action may need beyond the target: the clients above and the alert it acts for. */
export interface ExecutionExtras {
  backends?: ActionBackends | undefined;
  alert?: AlertContext | undefined;
}

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
  extras: ExecutionExtras = {},
): Promise<ExecutionResult> => {
  switch (plan.action) {
    case 'notifyOnly':
      return { outcome: 'acted', code: 'notifyOnly', reason: describePlan(plan) };
    // User actions never connect to the cluster: their target is context for the user's code.
    case 'startAutomation':
    case 'startExecution':
    case 'invokeFunction':
      return executeUserAction(plan, extras.backends?.aws, extras.alert, signal);
    case 'deleteSeries':
      return executeDeleteSeries(plan, extras.backends?.tsdb, now, signal);
  }
  const ctx: ExecutionContext = {
    cluster: await clusters.connect(plan.target),
    now,
    signal,
    policy: extras.alert?.policy,
  };
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
