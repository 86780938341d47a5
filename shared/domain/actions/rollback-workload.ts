import { z } from 'zod';
import { gitopsChoiceSchema } from '../gitops/detect.js';
import type { Target } from '../target/target.js';
import type { Plan } from './plan.js';
import { revisionSchema } from './rollback-deployment.js';

/** The workloads whose history lives in ControllerRevisions. */
export const REVISIONED_KINDS = ['StatefulSet', 'DaemonSet'] as const;
export type RevisionedKind = (typeof REVISIONED_KINDS)[number];

/**
 * rollbackWorkload: `kubectl rollout undo` on a StatefulSet or DaemonSet (named by the alert, or the one
 * running the alert's pod): the chosen ControllerRevision's recorded patch is applied back.
 */
export const rollbackWorkloadAction = z
  .object({
    type: z.literal('rollbackWorkload'),
    kind: z.enum(REVISIONED_KINDS),
    toRevision: revisionSchema,
    gitops: gitopsChoiceSchema.optional(),
  })
  .strict();
export type RollbackWorkloadAction = z.infer<typeof rollbackWorkloadAction>;

export const planRollbackWorkload = (target: Target, params: RollbackWorkloadAction): Plan => ({
  action: 'rollbackWorkload',
  target,
  kind: params.kind,
  toRevision: params.toRevision,
  ...(params.gitops === undefined ? {} : { gitops: params.gitops }),
});
