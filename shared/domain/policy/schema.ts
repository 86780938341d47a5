import { z } from 'zod';
import { actionSchema } from '../actions/catalog.js';
import { durationSchema } from '../actions/duration.js';
import { MAX_ALERTNAME_LENGTH } from '../alert/schema.js';
import { checkSchema } from '../analysis/check.js';
import { budgetSchema } from '../guardrails/budget.js';
import { notifySchema } from '../notify/schema.js';
import { invalidNamespace } from '../target/names.js';
import { targetSpecSchema } from '../target/target.js';
import { verifyFitsPolicy } from '../verify/fits-policy.js';
import { verifySchema } from '../verify/schema.js';
import { type Matcher, parseMatcher } from './matchers.js';

/** Defaults an SRE can live with when a policy says nothing: act at most every 10 minutes on one target. */
export const DEFAULT_COOLDOWN = '10m';
/** …at most 10 times an hour per policy… */
export const DEFAULT_MAX_ACTIONS = { count: 10, per: '1h' } as const;
/** …and stop after 3 failures in a row. */
export const DEFAULT_BREAKER_FAILURES = 3;

const namespaceName = z.string().superRefine((value, ctx) => {
  const problem = invalidNamespace(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `"${value}" ${problem}` });
});

const matcherString = z.string().transform((value, ctx): Matcher => {
  try {
    return parseMatcher(value);
  } catch (cause) {
    ctx.addIssue({ code: 'custom', message: (cause as Error).message });
    return z.NEVER;
  }
});

/** A policy: for alerts named X matching these matchers, take this action on the target these labels name. */
export const policySchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"')
      .max(63),
    description: z.string().max(1024).optional(),
    // The team that owns the policy: routes its Slack messages and tickets (platform layer `teams`).
    owner: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a team name: lowercase letters, digits and "-"')
      .max(63)
      .optional(),
    match: z
      .object({
        alertname: z
          .string()
          .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus alert name')
          .max(MAX_ALERTNAME_LENGTH),
        matchers: z.array(matcherString).max(20).default([]),
      })
      .strict(),
    priority: z.number().int().min(0).max(1_000_000).default(0),
    target: targetSpecSchema,
    action: actionSchema,
    guard: z
      .object({
        dryRun: z.boolean().default(false),
        namespaces: z
          .object({ allow: z.array(namespaceName).optional(), deny: z.array(namespaceName).default([]) })
          .strict()
          .default({ deny: [] }),
        // A target acted on is left alone this long, even for a new alert episode (flapping alerts).
        cooldown: durationSchema.prefault(DEFAULT_COOLDOWN),
        // At most `count` actions of this policy per fixed window of `per`.
        maxActions: budgetSchema.prefault({ count: DEFAULT_MAX_ACTIONS.count, per: DEFAULT_MAX_ACTIONS.per }),
        // This many failed actions in a row pause the policy until an operator resumes it.
        circuitBreaker: z
          .object({ consecutiveFailures: z.number().int().min(1).max(100) })
          .strict()
          .default({ consecutiveFailures: DEFAULT_BREAKER_FAILURES }),
      })
      .strict()
      .prefault({}),
    // Where and how humans hear about this policy's decisions (Slack thread, ticket, Grafana annotation).
    notify: notifySchema.optional(),
    // Before acting, ask Prometheus whether the alert's condition still holds (see shared/domain/analysis/check.ts).
    analysis: checkSchema.optional(),
    // After acting, check that it helped (see shared/domain/verify/schema.ts).
    verify: verifySchema.optional(),
  })
  .strict()
  .superRefine(verifyFitsPolicy);

/** The policy as written (YAML/JSON): matchers are strings. */
export type PolicyInput = z.input<typeof policySchema>;
/** The validated policy: defaults filled in, matchers compiled. */
export type Policy = z.output<typeof policySchema>;
