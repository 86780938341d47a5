import { z } from 'zod';
import { durationSchema, formatDuration } from '../actions/duration.js';
import { checkSchema } from '../analysis/check.js';

/** Checking sooner than this tells nothing: pods need time to start and Prometheus to scrape. */
export const MIN_VERIFY_AFTER_SECONDS = 30;
/** Longer than this, the check says more about the next incident than about this action. */
export const MAX_VERIFY_AFTER_SECONDS = 24 * 3600;
export const DEFAULT_VERIFY_AFTER = '5m';

/** The verdicts as written in a policy (camelCase, like `notRecovered` in `ticket.when`). */
const verdict = z.enum(['recovered', 'notRecovered', 'inconclusive']);

/** What to do when an action did not help: tell the thread only, open (or comment on) the ticket, or escalate. */
export const onNotRecoveredSchema = z.enum(['notify', 'ticket', 'escalate']);

/**
 * `verify`: after acting, wait `after`, then check ONE thing:
 * - `query` + `condition`: a PromQL check (as `analysis`); the condition describes the recovered state;
 * - `alertResolved: true`: Alertmanager sent the resolve for the episode remedy acted on;
 * - `rolloutComplete: true`: the workload remedy rolled back or restarted finished its rollout
 *   (observedGeneration, updated/available replicas, no ProgressDeadlineExceeded), as `kubectl rollout status`.
 */
export const verifySchema = z
  .object({
    after: durationSchema.prefault(DEFAULT_VERIFY_AFTER).superRefine((seconds, ctx) => {
      if (seconds < MIN_VERIFY_AFTER_SECONDS || seconds > MAX_VERIFY_AFTER_SECONDS)
        ctx.addIssue({
          code: 'custom',
          message: `must be between ${formatDuration(MIN_VERIFY_AFTER_SECONDS)} and ${formatDuration(MAX_VERIFY_AFTER_SECONDS)}`,
        });
    }),
    query: checkSchema.shape.query.optional(),
    condition: checkSchema.shape.condition.optional(),
    holdsFor: checkSchema.shape.holdsFor.optional(),
    // The query returned no series: e.g. the crash-looping pod is gone (recovered) or Prometheus lost it.
    onEmpty: verdict.default('inconclusive'),
    alertResolved: z.literal(true).optional(),
    rolloutComplete: z.literal(true).optional(),
    onNotRecovered: onNotRecoveredSchema.default('notify'),
    // Pause the policy (its circuit breaker, "quarantined") after this many not-recovered actions in `within`.
    quarantine: z
      .object({
        notRecovered: z.number().int().min(1).max(100),
        within: durationSchema.superRefine((seconds, ctx) => {
          if (seconds < 60 || seconds > 30 * 86_400)
            ctx.addIssue({ code: 'custom', message: 'must be between 1m and 30d' });
        }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const chosen = [v.query !== undefined, v.alertResolved === true, v.rolloutComplete === true].filter(
      Boolean,
    ).length;
    if (chosen !== 1)
      ctx.addIssue({
        code: 'custom',
        message:
          'say what to check, exactly one of: query (+ condition), alertResolved: true, rolloutComplete: true',
      });
    if ((v.query === undefined) !== (v.condition === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.query === undefined ? 'query' : 'condition'],
        message: 'query and condition go together',
      });
  })
  .transform((v): VerifySpec => {
    const common = {
      afterSeconds: v.after,
      onNotRecovered: v.onNotRecovered,
      ...(v.quarantine
        ? { quarantine: { notRecovered: v.quarantine.notRecovered, withinSeconds: v.quarantine.within } }
        : {}),
    };
    if (v.query !== undefined && v.condition !== undefined)
      return {
        ...common,
        check: 'query',
        query: v.query,
        condition: v.condition,
        holdsFor: v.holdsFor ?? 'all',
        onEmpty: VERDICT[v.onEmpty],
      };
    return { ...common, check: v.alertResolved ? 'alertResolved' : 'rolloutComplete' };
  });

const VERDICT = {
  recovered: 'recovered',
  notRecovered: 'not-recovered',
  inconclusive: 'inconclusive',
} as const;

export type Verdict = (typeof VERDICT)[keyof typeof VERDICT];

interface VerifyCommon {
  afterSeconds: number;
  onNotRecovered: z.output<typeof onNotRecoveredSchema>;
  quarantine?: { notRecovered: number; withinSeconds: number };
}

/** A validated `verify`: one check, normalised (seconds, audit-style verdicts). Carried in followup messages. */
export type VerifySpec = VerifyCommon &
  (
    | {
        check: 'query';
        query: string;
        condition: string;
        holdsFor: 'all' | 'any';
        onEmpty: Verdict;
      }
    | { check: 'alertResolved' }
    | { check: 'rolloutComplete' }
  );

export type VerifyInput = z.input<typeof verifySchema>;

/** Actions whose success is a rollout, which `rolloutComplete` can watch. */
export const ROLLOUT_ACTIONS: ReadonlySet<string> = new Set([
  'rollbackDeployment',
  'restartDeployment',
  'rollbackWorkload',
]);
