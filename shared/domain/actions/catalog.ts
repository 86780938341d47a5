import { z } from 'zod';
import type { ObjectKind, Target } from '../target/target.js';
import { deletePodAction, planDeletePod } from './delete-pod.js';
import { notifyOnlyAction, planNotifyOnly } from './notify-only.js';
import type { Plan } from './plan.js';

/**
 * The action registry. A policy's `action` is validated against this union, so an unknown action or a bad
 * parameter fails with a precise path when the policy is applied, long before an alert arrives.
 */
export const actionSchema = z.discriminatedUnion('type', [deletePodAction, notifyOnlyAction]);
export type Action = z.infer<typeof actionSchema>;

/** Which kind of object the action needs its target to be. */
export const targetKindOf = (action: Action): ObjectKind =>
  action.type === 'deletePod' ? 'Pod' : action.kind;

/** Builds the plan for an action against a resolved target. */
export const planAction = (action: Action, target: Target): Plan => {
  switch (action.type) {
    case 'deletePod':
      return planDeletePod(target, action);
    case 'notifyOnly':
      return planNotifyOnly(target);
  }
};
