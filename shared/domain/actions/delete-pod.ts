import { z } from 'zod';
import type { Target } from '../target/target.js';
import type { Plan } from './plan.js';

/** Longest grace period a policy may ask for; a Lambda invocation must outlive the request, not the pod. */
export const MAX_GRACE_PERIOD_SECONDS = 300;

/** deletePod: delete the pod the alert names; its controller (ReplicaSet, StatefulSet…) replaces it. */
export const deletePodAction = z
  .object({
    type: z.literal('deletePod'),
    gracePeriodSeconds: z.number().int().min(0).max(MAX_GRACE_PERIOD_SECONDS).default(30),
    // A DELETE bypasses PodDisruptionBudgets; with this set, remedy checks them first and skips if one forbids it.
    respectPodDisruptionBudget: z.boolean().default(false),
  })
  .strict();
export type DeletePodAction = z.infer<typeof deletePodAction>;

export const planDeletePod = (target: Target, params: DeletePodAction): Plan => ({
  action: 'deletePod',
  target,
  gracePeriodSeconds: params.gracePeriodSeconds,
  respectPodDisruptionBudget: params.respectPodDisruptionBudget,
});
