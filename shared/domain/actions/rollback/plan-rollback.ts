import { formatDuration } from '../duration.js';
import { rollbackAnnotations } from './annotations.js';
import { buildRollbackPatch, type RollbackPatch } from './build-patch.js';
import { equalIgnoreHash } from './equal-ignore-hash.js';
import { type Deployment, imagesOf, type ReplicaSet } from './objects.js';
import { selectRollbackTarget } from './select-target.js';

export interface DeploymentRollbackInput {
  deployment: Deployment;
  /** The ReplicaSets matching the Deployment's selector; those it does not control are ignored. */
  replicaSets: readonly ReplicaSet[];
  /** 0 for the previous revision, as `kubectl rollout undo`; otherwise `--to-revision`. */
  toRevision: number;
  /** Roll back only when the current revision is younger than this: a fresh release is the likely culprit. */
  onlyIfRevisionYoungerThanSeconds?: number | undefined;
  now: Date;
}

/** patch: send it; skip: nothing to do (a success); refuse: cannot be done; notify: should not be done. */
export type DeploymentRollbackPlan =
  | {
      kind: 'patch';
      patch: RollbackPatch;
      fromRevision: number;
      toRevision: number;
      fromImages: string[];
      toImages: string[];
    }
  | { kind: 'skip'; reason: string }
  | { kind: 'refuse'; reason: string }
  | { kind: 'notify'; reason: string };

/** kubectl's wording: a paused Deployment would record the new template but roll no pod. */
export const PAUSED_REFUSAL =
  "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again";

const MS_PER_SECOND = 1000;

/**
 * Decides what `kubectl rollout undo` would do, with remedy's freshness guard, checking in an operator's
 * order: is there history, is the current release fresh, is the Deployment paused, is it already there.
 */
export const planDeploymentRollback = (input: DeploymentRollbackInput): DeploymentRollbackPlan => {
  const { deployment, toRevision, now } = input;
  const selection = selectRollbackTarget(input.replicaSets, deployment, toRevision);
  if (!selection.ok) return { kind: 'refuse', reason: selection.reason };
  const { target, current, fromRevision } = selection;

  // Before "paused": when the release is old, the rollback is not wanted at all, so "cannot" would mislead.
  const limit = input.onlyIfRevisionYoungerThanSeconds;
  if (limit !== undefined) {
    const stale = staleness(current, fromRevision, limit, now);
    if (stale !== undefined) return { kind: 'notify', reason: stale };
  }
  if (deployment.spec.paused === true) return { kind: 'refuse', reason: PAUSED_REFUSAL };
  // kubectl prints the revision it was asked for, "0" for a plain undo; the resolved number says more.
  if (equalIgnoreHash(target.spec.template, deployment.spec.template)) {
    const reason = `skipped rollback (current template already matches revision ${selection.toRevision})`;
    return { kind: 'skip', reason };
  }
  const annotations = rollbackAnnotations(deployment.metadata.annotations, target.metadata.annotations);
  return {
    kind: 'patch',
    patch: buildRollbackPatch(target.spec.template, annotations),
    fromRevision,
    toRevision: selection.toRevision,
    fromImages: imagesOf(deployment.spec.template),
    toImages: imagesOf(target.spec.template),
  };
};

/**
 * Why the current revision is not a fresh release, or undefined when it is. Its age is that of its
 * ReplicaSet. A rollout that reuses an old ReplicaSet (a previous undo, a redeploy of an old template) keeps
 * that ReplicaSet's creation time and so looks old: the guard then notifies instead of acting, the safe side.
 */
const staleness = (
  current: ReplicaSet,
  revision: number,
  limitSeconds: number,
  now: Date,
): string | undefined => {
  const created = Date.parse(current.metadata.creationTimestamp ?? '');
  if (Number.isNaN(created)) {
    return `current revision ${revision} has no readable creation time, so it may not be a fresh release: notifying only`;
  }
  // A creation time slightly ahead of our clock is skew, not a release from the future: count it as age 0.
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - created) / MS_PER_SECOND));
  if (ageSeconds < limitSeconds) return undefined;
  const age = formatDuration(ageSeconds);
  return `current revision ${revision} is ${age} old (limit ${formatDuration(limitSeconds)}): not a fresh release, notifying only`;
};
