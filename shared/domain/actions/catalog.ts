import { z } from 'zod';
import type { ObjectKind, Target } from '../target/target.js';
import { deletePodAction, planDeletePod } from './delete-pod.js';
import { deleteSeriesAction, planDeleteSeries } from './delete-series.js';
import { evictPodAction, planEvictPod } from './evict-pod.js';
import { notifyOnlyAction, planNotifyOnly } from './notify-only.js';
import type { Plan } from './plan.js';
import { planRestartDeployment, restartDeploymentAction } from './restart-deployment.js';
import { planRollbackDeployment, rollbackDeploymentAction } from './rollback-deployment.js';
import { planRollbackWorkload, rollbackWorkloadAction } from './rollback-workload.js';
import {
  invokeFunctionAction,
  planInvokeFunction,
  planStartAutomation,
  planStartExecution,
  startAutomationAction,
  startExecutionAction,
  userActionKinds,
} from './user/user-actions.js';

/**
 * The action registry. A policy's `action` is validated against this union, so an unknown action or a bad
 * parameter fails with a precise path when the policy is applied, long before an alert arrives.
 */
export const actionSchema = z.discriminatedUnion('type', [
  deletePodAction,
  evictPodAction,
  rollbackDeploymentAction,
  restartDeploymentAction,
  rollbackWorkloadAction,
  notifyOnlyAction,
  startAutomationAction,
  startExecutionAction,
  invokeFunctionAction,
  deleteSeriesAction,
]);
export type Action = z.infer<typeof actionSchema>;

/**
 * The kinds of object an action can start from, preferred first. Workload actions also accept a pod: the
 * executor then follows its owner references to the workload, since many alerts only carry a `pod` label.
 */
export const targetKindOf = (action: Action): readonly ObjectKind[] => {
  switch (action.type) {
    case 'deletePod':
    case 'evictPod':
      return ['Pod'];
    case 'rollbackDeployment':
    case 'restartDeployment':
      return ['Deployment', 'Pod'];
    case 'rollbackWorkload':
      return [action.kind, 'Pod'];
    case 'notifyOnly':
      return [action.kind];
    case 'startAutomation':
    case 'startExecution':
    case 'invokeFunction':
      return userActionKinds(action.kind);
    case 'deleteSeries':
      return ['StatefulSet', 'Deployment', 'Pod'];
  }
};

/** Builds the plan for an action against a resolved target. */
export const planAction = (action: Action, target: Target): Plan => {
  switch (action.type) {
    case 'deletePod':
      return planDeletePod(target, action);
    case 'evictPod':
      return planEvictPod(target, action);
    case 'rollbackDeployment':
      return planRollbackDeployment(target, action);
    case 'restartDeployment':
      return planRestartDeployment(target, action);
    case 'rollbackWorkload':
      return planRollbackWorkload(target, action);
    case 'notifyOnly':
      return planNotifyOnly(target);
    case 'startAutomation':
      return planStartAutomation(target, action);
    case 'startExecution':
      return planStartExecution(target, action);
    case 'invokeFunction':
      return planInvokeFunction(target, action);
    case 'deleteSeries':
      return planDeleteSeries(target, action);
  }
};
