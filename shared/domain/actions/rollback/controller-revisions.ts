import type { ControllerRevision, JsonValue, RevisionedWorkload } from './objects.js';
import { STRATEGIC_MERGE_PATCH } from './objects.js';
import { isControlledBy } from './revision.js';
import { revisionNotFound } from './select-target.js';
import { semanticEqual } from './semantic-equal.js';

/** Which ControllerRevision to restore, and the newest one (what the workload runs). */
export type ControllerRevisionSelection =
  | { ok: true; target: ControllerRevision; current: ControllerRevision }
  | { ok: false; reason: string };

/**
 * Picks the StatefulSet or DaemonSet history entry `kubectl rollout undo` would restore: 0 means the one
 * before the newest, any other number must match `.revision` exactly. `history` is the workload's own.
 */
export const selectControllerRevision = (
  history: readonly ControllerRevision[],
  toRevision: number,
): ControllerRevisionSelection => {
  if (!Number.isSafeInteger(toRevision) || toRevision < 0) {
    return { ok: false, reason: revisionNotFound(toRevision) };
  }
  if (toRevision === 0 && history.length <= 1)
    return { ok: false, reason: 'no last revision to roll back to' };
  const newestFirst = [...history].sort((a, b) => b.revision - a.revision);
  const current = newestFirst[0];
  const target = toRevision === 0 ? newestFirst[1] : history.find((h) => h.revision === toRevision);
  if (current === undefined || target === undefined)
    return { ok: false, reason: revisionNotFound(toRevision) };
  return { ok: true, target, current };
};

export type ControllerRevisionRollbackPlan =
  | {
      kind: 'patch';
      patchType: typeof STRATEGIC_MERGE_PATCH;
      /** The revision's `data`, sent as is: it is the patch the controller recorded to restore it. */
      body: JsonValue;
      fromRevision: number;
      toRevision: number;
    }
  | { kind: 'skip'; reason: string }
  | { kind: 'refuse'; reason: string };

/**
 * Plans the undo of a StatefulSet or DaemonSet: the chosen revision's data as a strategic-merge patch, or a
 * skip when the workload's template already equals it. ControllerRevisions it does not control are ignored.
 */
export const planControllerRevisionRollback = (
  workload: RevisionedWorkload,
  history: readonly ControllerRevision[],
  toRevision: number,
): ControllerRevisionRollbackPlan => {
  const owned = history.filter((h) => isControlledBy(h, workload));
  const selection = selectControllerRevision(owned, toRevision);
  if (!selection.ok) return { kind: 'refuse', reason: selection.reason };
  const { target, current } = selection;
  if (target.data === undefined || target.data === null) {
    return { kind: 'refuse', reason: `revision ${target.revision} has no recorded template to restore` };
  }
  // The controller records each revision as this very patch of the template, so comparing the current
  // template in the same shape tells whether the revision is already live. kubectl compares the bytes Go
  // writes; the JSON we hold was parsed, so key order is gone and values are compared instead.
  const currentAsPatch = { spec: { template: { ...workload.spec.template, $patch: 'replace' } } };
  if (semanticEqual(currentAsPatch, target.data)) {
    return {
      kind: 'skip',
      reason: `skipped rollback (current template already matches revision ${target.revision})`,
    };
  }
  return {
    kind: 'patch',
    patchType: STRATEGIC_MERGE_PATCH,
    body: target.data,
    fromRevision: current.revision,
    toRevision: target.revision,
  };
};
