import { z } from 'zod';
import type { Target } from '../target/target.js';
import { MAX_GRACE_PERIOD_SECONDS } from './delete-pod.js';
import type { Plan } from './plan.js';

/**
 * evictPod: ask the API server to evict the pod (policy/v1 Eviction), which honours its
 * PodDisruptionBudget; a budget that forbids it now is reported, never forced.
 */
export const evictPodAction = z
  .object({
    type: z.literal('evictPod'),
    // Absent: the pod's own terminationGracePeriodSeconds, as `kubectl drain` does by default.
    gracePeriodSeconds: z.number().int().min(0).max(MAX_GRACE_PERIOD_SECONDS).optional(),
  })
  .strict();
export type EvictPodAction = z.infer<typeof evictPodAction>;

export const planEvictPod = (target: Target, params: EvictPodAction): Plan => ({
  action: 'evictPod',
  target,
  ...(params.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: params.gracePeriodSeconds }),
});
