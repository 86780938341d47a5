import { z } from 'zod';
import type { Target } from '../target/target.js';
import type { Plan } from './plan.js';

/** notifyOnly: record and announce the alert's target without touching the cluster. */
export const notifyOnlyAction = z
  .object({ type: z.literal('notifyOnly'), kind: z.enum(['Pod', 'Deployment']).default('Pod') })
  .strict();
export type NotifyOnlyAction = z.infer<typeof notifyOnlyAction>;

export const planNotifyOnly = (target: Target): Plan => ({ action: 'notifyOnly', target });
