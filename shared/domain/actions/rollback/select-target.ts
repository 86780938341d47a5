import type { Deployment, ReplicaSet } from './objects.js';
import { isControlledBy, readRevision } from './revision.js';

/** Which ReplicaSet to roll back to, and the one the Deployment runs now (the highest revision). */
export type RollbackSelection<RS extends ReplicaSet = ReplicaSet> =
  | { ok: true; target: RS; current: RS; fromRevision: number; toRevision: number }
  | { ok: false; reason: string };

/** kubectl's wording, kept so an SRE who knows `rollout undo` recognises the message. */
export const revisionNotFound = (toRevision: number): string =>
  `unable to find specified revision ${toRevision} in history`;

/**
 * Picks the ReplicaSet `kubectl rollout undo --to-revision` would restore: revision 0 means the previous
 * rollout (second-highest revision), any other number must match exactly. Only ReplicaSets the Deployment
 * controls are history; a ReplicaSet whose revision annotation is unreadable is passed over, as kubectl does.
 */
export const selectRollbackTarget = <RS extends ReplicaSet>(
  replicaSets: readonly RS[],
  deployment: Deployment,
  toRevision: number,
): RollbackSelection<RS> => {
  if (!Number.isSafeInteger(toRevision) || toRevision < 0) {
    return { ok: false, reason: revisionNotFound(toRevision) };
  }
  // Highest revision first. The sort is stable, so equal revisions (which only a hand-edited annotation
  // produces) keep list order, and the pick matches kubectl's single pass over the same list.
  const history = replicaSets
    .filter((rs) => isControlledBy(rs, deployment))
    .flatMap((rs) => {
      const revision = readRevision(rs);
      return revision === undefined ? [] : [{ rs, revision }];
    })
    .sort((a, b) => b.revision - a.revision);
  const current = history[0];
  const target = toRevision === 0 ? history[1] : history.find((h) => h.revision === toRevision);
  if (current === undefined || target === undefined) {
    const reason =
      toRevision === 0
        ? `no rollout history found for deployment ${JSON.stringify(deployment.metadata.name)}`
        : revisionNotFound(toRevision);
    return { ok: false, reason };
  }
  return {
    ok: true,
    target: target.rs,
    current: current.rs,
    fromRevision: current.revision,
    toRevision: target.revision,
  };
};
