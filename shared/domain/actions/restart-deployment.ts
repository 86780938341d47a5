import { z } from 'zod';
import { gitopsChoiceSchema } from '../gitops/detect.js';
import type { Target } from '../target/target.js';
import type { Plan } from './plan.js';

/** restartDeployment: `kubectl rollout restart`; the controller replaces every pod, respecting its strategy. */
export const restartDeploymentAction = z
  .object({ type: z.literal('restartDeployment'), gitops: gitopsChoiceSchema.optional() })
  .strict();
export type RestartDeploymentAction = z.infer<typeof restartDeploymentAction>;

export const planRestartDeployment = (target: Target, params: RestartDeploymentAction): Plan => ({
  action: 'restartDeployment',
  target,
  ...(params.gitops === undefined ? {} : { gitops: params.gitops }),
});
