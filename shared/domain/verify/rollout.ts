import { z } from 'zod';

/** Where a rollout stands, read the way `kubectl rollout status` reads it. */
export type RolloutState =
  | { state: 'complete'; reason: string }
  | { state: 'progressing'; reason: string }
  | { state: 'failed'; reason: string };

const count = z.number().int().min(0).optional();
const workload = z.object({
  metadata: z.object({ generation: z.number().int().optional() }).loose(),
  spec: z.object({ replicas: count }).loose().optional(),
  status: z
    .object({
      observedGeneration: z.number().int().optional(),
      replicas: count,
      updatedReplicas: count,
      availableReplicas: count,
      readyReplicas: count,
      currentRevision: z.string().optional(),
      updateRevision: z.string().optional(),
      desiredNumberScheduled: count,
      updatedNumberScheduled: count,
      numberAvailable: count,
      conditions: z
        .array(
          z
            .object({ type: z.string(), status: z.string().optional(), reason: z.string().optional() })
            .loose(),
        )
        .optional(),
    })
    .loose()
    .optional(),
});

/**
 * The rollout of a Deployment, StatefulSet or DaemonSet as the API returned it: complete, still progressing, or
 * failed (the Deployment's progress deadline passed). Unparseable objects throw: the caller says inconclusive.
 */
export const rolloutState = (
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  object: unknown,
): RolloutState => {
  const w = workload.parse(object);
  const status = w.status ?? {};
  if ((status.observedGeneration ?? -1) < (w.metadata.generation ?? 0))
    return { state: 'progressing', reason: `the controller has not yet observed the ${kind}'s latest spec` };
  const desired = w.spec?.replicas ?? 1;
  if (kind === 'Deployment') {
    const deadline = status.conditions?.find(
      (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
    );
    if (deadline) return { state: 'failed', reason: 'the rollout exceeded its progress deadline' };
    const updated = status.updatedReplicas ?? 0;
    const available = status.availableReplicas ?? 0;
    if (updated < desired)
      return { state: 'progressing', reason: `${updated} of ${desired} new replicas have been updated` };
    if ((status.replicas ?? 0) > updated)
      return {
        state: 'progressing',
        reason: `${(status.replicas ?? 0) - updated} old replicas are pending termination`,
      };
    if (available < updated)
      return { state: 'progressing', reason: `${available} of ${updated} updated replicas are available` };
    return {
      state: 'complete',
      reason: `rolled out: ${available} of ${desired} replicas updated and available`,
    };
  }
  if (kind === 'StatefulSet') {
    const ready = status.readyReplicas ?? 0;
    if (ready < desired) return { state: 'progressing', reason: `${ready} of ${desired} pods are ready` };
    if (status.updateRevision !== undefined && status.currentRevision !== status.updateRevision)
      return { state: 'progressing', reason: `pods are still moving to revision ${status.updateRevision}` };
    return {
      state: 'complete',
      reason: `rolled out: ${ready} of ${desired} pods ready at the current revision`,
    };
  }
  const want = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated < want) return { state: 'progressing', reason: `${updated} of ${want} pods have been updated` };
  if (available < want)
    return { state: 'progressing', reason: `${available} of ${want} updated pods are available` };
  return { state: 'complete', reason: `rolled out: ${available} of ${want} pods updated and available` };
};
