import { z } from 'zod';
import type { Target } from '../target/target.js';
import type { Plan } from './plan.js';

/** restartDeployment: `kubectl rollout restart`; the controller replaces every pod, respecting its strategy. */
export const restartDeploymentAction = z.object({ type: z.literal('restartDeployment') }).strict();
export type RestartDeploymentAction = z.infer<typeof restartDeploymentAction>;

export const planRestartDeployment = (target: Target): Plan => ({ action: 'restartDeployment', target });
