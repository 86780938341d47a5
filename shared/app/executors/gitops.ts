import type { ObjectMeta } from '#domain/actions/rollback/objects.js';
import {
  DEFAULT_GITOPS_CHOICE,
  describeOwner,
  detectGitOps,
  type GitOpsChoice,
  type GitOpsOwner,
  PREVIOUS_AUTOMATED_ANNOTATION,
  suspendPatch,
  syncsAutomatically,
} from '#domain/gitops/detect.js';
import type { Details, ExecutionContext, ExecutionResult } from './result.js';

/** Audit code when a GitOps-managed workload is only reported (`gitops: notifyOnly`, the default). */
export const GITOPS_MANAGED = 'gitops-managed';

export type GitOpsGate =
  | { proceed: false; result: ExecutionResult }
  /** Go on; `finish` adds what the human must know (revert Git, re-enable sync) to the final result. */
  | { proceed: true; finish: (result: ExecutionResult) => ExecutionResult };

const unchanged: GitOpsGate = { proceed: true, finish: (r) => r };

const ownerDetails = (owner: GitOpsOwner, choice: GitOpsChoice): Details => ({
  gitopsTool: owner.tool,
  gitopsKind: owner.kind,
  gitopsObject: `${owner.namespace}/${owner.name}`,
  gitopsEvidence: owner.evidence,
  gitops: choice,
});

const append = (result: ExecutionResult, note: string, details: Details): ExecutionResult => ({
  ...result,
  reason: `${result.reason}. ${note}`,
  details: { ...result.details, ...details },
});

/**
 * Decides, just before remedy changes a workload, what its GitOps owner means for the action: nothing (not
 * managed), stop and report (notifyOnly), act and say Git must be reverted (rollback), or turn the owner's
 * auto-sync off first and act (suspendSync). `verb` is the change (`roll back`, `restart`).
 */
export const gitopsGate = async (
  workload: { group: string; kind: string; namespace: string; name: string; metadata: ObjectMeta },
  choice: GitOpsChoice | undefined,
  subject: string,
  verb: string,
  policy: string | undefined,
  ctx: ExecutionContext,
): Promise<GitOpsGate> => {
  const owner = detectGitOps({
    ...workload,
    labels: workload.metadata.labels,
    annotations: workload.metadata.annotations,
  });
  if (!owner) return unchanged;
  // Read the owner: suspendSync patches it, and an instance label alone (Helm sets it too) counts only if an
  // Application of that name exists (a 404, also what a cluster without Argo CD answers, means not managed).
  const object = await ctx.cluster.getGitOpsObject(owner, ctx.signal);
  if (!object && !owner.certain) return unchanged;
  const chosen = choice ?? DEFAULT_GITOPS_CHOICE;
  const who = describeOwner(owner);
  const details = ownerDetails(owner, chosen);
  const revert = `revert the change in Git that ${who} applies`;

  if (chosen === 'notifyOnly') {
    return {
      proceed: false,
      result: {
        outcome: 'skipped',
        code: GITOPS_MANAGED,
        reason: `${subject} is managed by ${who} (${owner.evidence}); not ${verb === 'roll back' ? 'rolled back' : `${verb}ed`}, because its next sync would undo it (policy gitops: notifyOnly). To fix it, ${revert}`,
        details,
      },
    };
  }
  if (chosen === 'rollback') {
    return {
      proceed: true,
      finish: (r) =>
        append(r, `${subject} is managed by ${who}: its next sync undoes this unless you ${revert}`, details),
    };
  }
  // suspendSync: stop the owner first, so the change survives until Git is fixed.
  if (!object) {
    return {
      proceed: true,
      finish: (r) =>
        append(r, `${who} (named by ${owner.evidence}) does not exist, so there was no sync to suspend`, {
          ...details,
          gitopsSuspended: false,
        }),
    };
  }
  if (!syncsAutomatically(owner, object.spec)) {
    return {
      proceed: true,
      finish: (r) =>
        append(r, `${who} was not syncing automatically already; ${revert} before turning it back on`, {
          ...details,
          gitopsSuspended: false,
        }),
    };
  }
  const previous = (object.spec as { syncPolicy?: { automated?: unknown } } | undefined)?.syncPolicy
    ?.automated;
  const why = `remedy policy ${policy ?? 'unknown'} at ${ctx.now().toISOString()}, before it would ${verb} ${subject}`;
  const sent = await ctx.cluster.patchGitOpsObject(owner, suspendPatch(owner, why, previous), ctx.signal);
  const restore =
    owner.tool === 'argocd'
      ? `auto-sync of ${who} turned off first (its previous spec.syncPolicy.automated is kept in annotation ${PREVIOUS_AUTOMATED_ANNOTATION}); ${revert}, then turn auto-sync back on`
      : `${who} suspended first (spec.suspend: true); ${revert}, then \`flux resume ${owner.kind === 'HelmRelease' ? 'helmrelease' : 'kustomization'} ${owner.name} -n ${owner.namespace}\``;
  return {
    proceed: true,
    finish: (r) =>
      append(r, sent === 'gone' ? `${who} disappeared before remedy could suspend it` : restore, {
        ...details,
        gitopsSuspended: sent === 'patched',
      }),
  };
};
