import { z } from 'zod';
import { gitopsChoiceSchema } from '../gitops/detect.js';
import type { Target } from '../target/target.js';
import { durationSchema } from './duration.js';
import type { Plan } from './plan.js';

/** `kubectl rollout undo --to-revision` takes any revision number; 0 means "the previous one". */
export const revisionSchema = z.number().int().min(0).default(0);

/**
 * rollbackDeployment: `kubectl rollout undo` on the Deployment the alert names (or the one running the
 * alert's pod). With `onlyIfRevisionYoungerThan`, only a fresh release is rolled back; an older one is
 * only reported, because then the release is probably not what broke.
 */
export const rollbackDeploymentAction = z
  .object({
    type: z.literal('rollbackDeployment'),
    toRevision: revisionSchema,
    onlyIfRevisionYoungerThan: durationSchema
      .refine((seconds) => seconds > 0, 'must be longer than 0s (0s would never roll back)')
      .optional(),
    /** When Argo CD or Flux manages the Deployment; unset: notifyOnly (see gitops/detect.ts). */
    gitops: gitopsChoiceSchema.optional(),
  })
  .strict();
export type RollbackDeploymentAction = z.infer<typeof rollbackDeploymentAction>;

export const planRollbackDeployment = (target: Target, params: RollbackDeploymentAction): Plan => ({
  action: 'rollbackDeployment',
  target,
  toRevision: params.toRevision,
  ...(params.onlyIfRevisionYoungerThan === undefined
    ? {}
    : { onlyIfRevisionYoungerThanSeconds: params.onlyIfRevisionYoungerThan }),
  ...(params.gitops === undefined ? {} : { gitops: params.gitops }),
});
