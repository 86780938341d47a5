import type { AuditRecord } from '#domain/audit.js';
import type { Logger, Metrics } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';
import { FOLLOWUP_KIND, type FollowupMessage } from '#domain/verify/message.js';
import { delaySecondsUntil, dueAt, secondsBetween } from '#domain/verify/outcome.js';
import type { ActionTaken, FollowupScheduler, VerificationStore } from '#domain/verify/ports.js';
import type { VerifySpec } from '#domain/verify/schema.js';

/** What remediate needs to set up a verification and to close the loop on a resolve. */
export interface VerificationDeps {
  store: VerificationStore;
  /** Absent: no followup queue configured; actions are remembered, never verified (a warning says so). */
  scheduler?: FollowupScheduler | undefined;
  /** 1 in production; the local stack and tests shorten every `verify.after` with it. */
  delayScale: number;
}

interface Observe {
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}

/** What verification remembers of an `acted` record in enforce mode; undefined for any other record. */
export const actionTaken = (acted: AuditRecord): ActionTaken | undefined => {
  const { episode, policy, target } = acted;
  if (acted.outcome !== 'acted' || acted.mode === 'dry-run' || !episode || !policy || !target)
    return undefined;
  return { episode, policy, actedAt: acted.at, target: targetRef(target) };
};

/**
 * After an `acted` record (enforce mode): remember the action (for the resolve, the followup and `remedy
 * stats`) unless the ledger already `recorded` it with the outcome, and, when the policy says `verify`, send
 * one delayed followup. Never throws: the action stands and is audited whatever happens here; a followup that
 * could not be scheduled is counted and logged.
 */
export const afterAction = async (
  acted: AuditRecord,
  verify: VerifySpec | undefined,
  deps: VerificationDeps,
  observe: Observe,
  opts: { recorded?: boolean } = {},
): Promise<void> => {
  const action = actionTaken(acted);
  const { target } = acted;
  if (!action || !target) return;
  const { episode, policy } = action;
  try {
    if (opts.recorded) await deps.store.policyActed(policy, action.actedAt);
    else await deps.store.actionTaken(action);
    if (!verify) return;
    if (!deps.scheduler) {
      observe.logger.warn(`policy ${policy} asks to verify, but no followup queue is configured`, {
        episode,
      });
      observe.metrics.count('FollowupNotScheduled', { policy });
      return;
    }
    const due = dueAt(acted.at, verify.afterSeconds, deps.delayScale);
    const message: FollowupMessage = {
      kind: FOLLOWUP_KIND,
      version: 1,
      dueAt: due.toISOString(),
      verify,
      action: { ...acted, episode, policy, target },
    };
    await deps.scheduler.schedule(message, delaySecondsUntil(due, observe.clock()));
    observe.metrics.count('FollowupScheduled', { policy });
  } catch (error) {
    observe.metrics.count('FollowupNotScheduled', { policy });
    observe.logger.error('could not set up the verification; the action stands and is audited', {
      episode,
      policy,
      error: (error as Error).message,
    });
  }
};

/**
 * A resolve of an episode remedy acted on: the record says how long after the action it resolved, and the
 * action's effectiveness line keeps it. Any other resolve is returned as it was.
 */
export const withResolution = async (
  resolved: AuditRecord,
  deps: VerificationDeps | undefined,
  observe: Observe,
  endsAt: string | undefined,
): Promise<AuditRecord> => {
  if (!deps || !resolved.episode) return resolved;
  const at = endsAt && !Number.isNaN(Date.parse(endsAt)) ? new Date(endsAt).toISOString() : resolved.at;
  try {
    const facts = await deps.store.resolution(resolved.episode, at);
    if (!facts) return resolved;
    const seconds = secondsBetween(facts.actedAt, facts.resolvedAt);
    observe.metrics.count('ResolvedAfterAction', { policy: facts.policy });
    return {
      ...resolved,
      // No `policy` here on purpose: the notifier finds the episode's ticket settings from the ticket itself.
      reason: `${resolved.reason.replace(/; nothing to do$/, '')}; ${seconds}s after remedy acted (policy ${facts.policy})`,
      details: { ...resolved.details, secondsSinceAction: seconds, actedAt: facts.actedAt },
    };
  } catch (error) {
    observe.logger.warn('could not record the time from action to resolution', {
      episode: resolved.episode,
      error: (error as Error).message,
    });
    return resolved;
  }
};
