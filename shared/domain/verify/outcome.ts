import type { VerifyOutcome } from '../audit.js';

/** The Lambda SQS event source delays a message at most this long; longer waits are chained. */
export const MAX_SQS_DELAY_SECONDS = 900;
/** A message this close to its due time is worked on now rather than sent round again. */
export const DUE_SLACK_MS = 1000;

/** When the followup is due: `after` from the action, scaled (local stacks and tests shorten the wait). */
export const dueAt = (actedAt: string, afterSeconds: number, scale: number): Date =>
  new Date(Date.parse(actedAt) + Math.round(afterSeconds * scale * 1000));

/** The SQS DelaySeconds for a message due at `due`: whole seconds, at most 15 minutes (then chained). */
export const delaySecondsUntil = (due: Date, now: Date): number =>
  Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((due.getTime() - now.getTime()) / 1000)));

/** Whether a followup that arrived at `now` is early enough that it must wait again. */
export const stillEarly = (due: Date, now: Date): boolean => due.getTime() - now.getTime() > DUE_SLACK_MS;

/** The verdict a PromQL check's status gives: the condition describes the recovered state. */
export const queryVerdict = (
  status: 'true' | 'false' | 'empty' | 'error',
  onEmpty: VerifyOutcome,
): VerifyOutcome =>
  status === 'true'
    ? 'recovered'
    : status === 'false'
      ? 'not-recovered'
      : status === 'empty'
        ? onEmpty
        : 'inconclusive';

/** The median of a list of numbers (the mean of the two middle ones for an even count); undefined when empty. */
export const median = (values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
};

/** Seconds between two ISO instants, never negative. */
export const secondsBetween = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
