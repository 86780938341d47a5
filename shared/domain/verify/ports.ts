import type { AuditRecord, VerifyOutcome } from '../audit.js';
import type { FollowupMessage } from './message.js';

/** What remedy remembers about one action it took (ACTION#<episode>), until the followup gave its verdict. */
export interface ActionFacts {
  episode: string;
  policy: string;
  actedAt: string;
  /** When Alertmanager said the alert resolved (endsAt), if it did. */
  resolvedAt?: string;
  verdict?: VerifyOutcome;
}

/** One action's line in a policy's effectiveness record (OUTCOMES#<policy>). */
export interface OutcomeEntry {
  policy: string;
  episode: string;
  actedAt: string;
  target?: string;
  /** Absent until the followup checked (or for policies without `verify`). */
  outcome?: VerifyOutcome;
  /** Seconds from the action to the alert's resolution, when it resolved. */
  resolvedAfterSeconds?: number;
  /** Seconds from the action to recovery: the resolution if known, else the check that found it recovered. */
  secondsToRecovery?: number;
  verifiedAt?: string;
}

/** An action taken (enforce mode, acted), as the followup, the resolve and `remedy stats` need it. */
export interface ActionTaken {
  episode: string;
  policy: string;
  actedAt: string;
  /** `cluster/namespace/Kind/name`. */
  target: string;
}

/** Verification records, effectiveness and quarantine in the state table. */
export interface VerificationStore {
  /**
   * Remembers an action for the followup, the resolve and `remedy stats`. The remediation records it with its
   * outcome (Ledger.settle `remember`); this separate write is for callers without a reservation.
   */
  actionTaken(a: ActionTaken): Promise<void>;
  /** Lists the policy among those that acted (the `remedy stats` index); cheap to call after every action. */
  policyActed(policy: string, actedAt: string): Promise<void>;
  /** Notes the resolve of an acted-on episode; undefined when remedy did not act on it. */
  resolution(
    episode: string,
    resolvedAt: string,
  ): Promise<(ActionFacts & { resolvedAt: string }) | undefined>;
  action(episode: string): Promise<ActionFacts | undefined>;
  /**
   * Records the verdict and its audit record in one transaction; 'duplicate' when the episode already has one
   * (a redelivered message), and then nothing is written.
   */
  recordVerdict(v: VerdictRecord): Promise<'recorded' | 'duplicate'>;
  /**
   * Not-recovered verdicts of a policy given at or after `verifiedSince` (the quarantine window, measured on
   * the verdicts), for actions taken at or after `actedSince` (the last resume, or the window minus the longest
   * `after`: it bounds the Query).
   */
  countNotRecovered(policy: string, since: { verifiedSince: string; actedSince: string }): Promise<number>;
  /** When an operator last resumed the policy's breaker (a quarantine counts only what came after). */
  resumedAt(policy: string): Promise<string | undefined>;
  /** Opens the policy's breaker as a quarantine; false when it was already open (someone else said so). */
  quarantine(policy: string, reason: string, now: Date): Promise<boolean>;
  /** A policy's entries for actions taken in [since, until). */
  entries(policy: string, since: string, until?: string): Promise<OutcomeEntry[]>;
  /** Policies that have acted at least once (the effectiveness index). */
  policies(): Promise<string[]>;
}

/** Sends a followup message to be delivered after a delay (SQS DelaySeconds, at most 15 minutes). */
export interface FollowupScheduler {
  schedule(message: FollowupMessage, delaySeconds: number): Promise<void>;
}

/** One action's verdict as the followup records it, with its audit record. */
export interface VerdictRecord {
  episode: string;
  policy: string;
  actedAt: string;
  target: string;
  verdict: VerifyOutcome;
  at: string;
  secondsToRecovery?: number;
  audit: AuditRecord;
}
