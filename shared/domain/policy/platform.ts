// The platform layer: standards a platform team sets once, which every team policy inherits (defaults) and
// cannot loosen (limits). Pure: the layer and the policy are documents in, the effective policy out.
import { z } from 'zod';
import { actionSchema } from '../actions/catalog.js';
import { MAX_GRACE_PERIOD_SECONDS } from '../actions/delete-pod.js';
import { formatDuration, parseDuration } from '../actions/duration.js';
import { formatIssues } from '../errors.js';
import type { Budget } from '../guardrails/budget.js';
import { type NotifyInput, notifySchema } from '../notify/schema.js';
import { invalidNamespace } from '../target/names.js';
import { parseMatcher } from './matchers.js';
import { type Policy, type PolicyInput, policySchema } from './schema.js';

/** Where the platform layer lives in the policies table (one record). */
export const PLATFORM_KEY = { pk: 'PLATFORM', sk: 'layer' } as const;

/** The action types the catalog knows, read from the catalog so new actions need no change here. */
export const KNOWN_ACTION_TYPES: readonly string[] = actionSchema.options.map((o) => o.shape.type.value);

/** Action types with a grace period: the limit applies even when the policy leaves it to the pod. */
const GRACE_ACTION_TYPES: readonly string[] = actionSchema.options
  .filter((o) => 'gracePeriodSeconds' in o.shape)
  .map((o) => o.shape.type.value);

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"')
  .max(63);

const namespaceName = z.string().superRefine((value, ctx) => {
  const problem = invalidNamespace(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `"${value}" ${problem}` });
});

const tryDuration = (text: string): number | undefined => {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
};

// Defaults stay as written (`15m`, not 900): they are merged into policy documents before the policy schema
// parses them, so a policy that says nothing inherits exactly what the platform wrote.
const durationText = z.string().superRefine((text, ctx) => {
  try {
    parseDuration(text);
  } catch (cause) {
    ctx.addIssue({ code: 'custom', message: (cause as Error).message });
  }
});

const budgetText = z
  .object({ count: z.number().int().min(1).max(10_000), per: durationText })
  .strict()
  .refine((b) => (tryDuration(b.per) ?? 60) >= 60, { message: 'per must be at least 1m', path: ['per'] });

const breaker = z.object({ consecutiveFailures: z.number().int().min(1).max(100) }).strict();

/** Notify settings kept as written (validated by the notify schema) so a policy's own settings merge over them. */
const notifyText = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const parsed = notifySchema.safeParse(value);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  })
  .transform((value) => value as NotifyInput);

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');

export const platformSchema = z
  .object({
    description: z.string().max(1024).optional(),
    /** Inherited by every policy that does not say otherwise. */
    defaults: z
      .object({
        guard: z
          .object({
            dryRun: z.boolean().optional(),
            cooldown: durationText.optional(),
            maxActions: budgetText.optional(),
            circuitBreaker: breaker.optional(),
          })
          .strict()
          .optional(),
        notify: notifyText.optional(),
        /** Labels every alert must carry for any policy to match it (added as `label=~".+"` matchers). */
        requiredLabels: z.array(labelName).max(20).default([]),
      })
      .strict()
      .prefault({}),
    /** What no policy may loosen: apply refuses a policy that does; a stored one is clamped at run time. */
    limits: z
      .object({
        /** The only action types policies may use. */
        actions: z
          .array(
            z.string().refine((t) => KNOWN_ACTION_TYPES.includes(t), {
              error: (issue) =>
                `unknown action type ${JSON.stringify(issue.input)} (known: ${KNOWN_ACTION_TYPES.join(', ')})`,
            }),
          )
          .min(1)
          .optional(),
        /** The most actions one policy may take per window. */
        maxActions: budgetText.optional(),
        /** The shortest cooldown a policy may set. */
        minCooldown: durationText.optional(),
        maxGracePeriodSeconds: z.number().int().min(0).max(MAX_GRACE_PERIOD_SECONDS).optional(),
        /** The highest circuit-breaker threshold (failures in a row) a policy may set. */
        maxConsecutiveFailures: z.number().int().min(1).max(100).optional(),
        /** Namespaces no policy may act in, whatever its own scope says. */
        protectedNamespaces: z.array(namespaceName).max(200).default([]),
        /** Every policy names an owner team. */
        requireOwner: z.boolean().default(false),
        /** Every policy runs in dry-run: decide and record, never act (a platform-wide observation phase). */
        requireDryRun: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Owner team → where its policies' messages and tickets go when a policy does not say. */
    teams: z
      .record(
        dnsName,
        z.object({ description: z.string().max(1024).optional(), notify: notifyText }).strict(),
      )
      .default({}),
  })
  .strict()
  .superRefine((platform, ctx) => {
    // The layer's own defaults must respect its limits, or every policy would inherit a violation.
    const guard = platform.defaults.guard;
    if (guard === undefined) return;
    const problems = guardLimitProblems(
      {
        ...(guard.maxActions ? { maxActions: toBudget(guard.maxActions) } : {}),
        ...(guard.cooldown === undefined ? {} : { cooldown: tryDuration(guard.cooldown) ?? 0 }),
        ...(guard.circuitBreaker ? { consecutiveFailures: guard.circuitBreaker.consecutiveFailures } : {}),
        ...(guard.dryRun === undefined ? {} : { dryRun: guard.dryRun }),
      },
      platform.limits,
      'defaults.guard',
    );
    // The issue's path already names the field: the message keeps only the rule (`count 40 exceeds …`).
    for (const p of problems)
      ctx.addIssue({
        code: 'custom',
        message: p.message.slice(p.path.length).replace(/^[. ]/, ''),
        path: p.path.split('.'),
      });
  });

export type Platform = z.output<typeof platformSchema>;
export type PlatformInput = z.input<typeof platformSchema>;
type Limits = Platform['limits'];

/** Where a value of the effective policy came from. */
export type Source = 'policy' | 'platform' | 'team' | 'built-in';

export type EffectivePolicy =
  | {
      ok: true;
      policy: Policy;
      /** Dotted path of each value ('guard.cooldown', 'notify.slack.channel') → where it came from. */
      sources: Record<string, Source>;
      /** With `clamp`: what was tightened to fit the layer (empty when the policy already fit). */
      adjusted: string[];
    }
  | { ok: false; violations: string[] };

const toBudget = (b: { count: number; per: string }): Budget => ({
  count: b.count,
  perSeconds: tryDuration(b.per) ?? 60,
});

const describeBudget = (b: Budget) => `${b.count} per ${formatDuration(b.perSeconds)}`;

/**
 * How many of a policy's budget windows can overlap one window of the limit. Both are fixed windows aligned to
 * the epoch (guardrails/budget.ts), so a policy of 1 per 10m takes at most 6 in any 1h window of the limit, and
 * a policy of 1 per 90m can take 2 (its windows straddle the limit's).
 */
const overlap = (policy: Budget, limit: Budget): number => {
  if (limit.perSeconds % policy.perSeconds === 0) return limit.perSeconds / policy.perSeconds;
  if (policy.perSeconds % limit.perSeconds === 0) return 1;
  return Math.ceil(limit.perSeconds / policy.perSeconds) + 1;
};

/** The largest budget with the policy's window that fits the limit, else the limit itself. */
const clampBudget = (policy: Budget, limit: Budget): Budget => {
  const count = Math.floor(limit.count / overlap(policy, limit));
  return count >= 1 ? { count, perSeconds: policy.perSeconds } : { ...limit };
};

interface GuardValues {
  maxActions?: Budget;
  cooldown?: number;
  consecutiveFailures?: number;
  dryRun?: boolean;
}

interface LimitProblem {
  path: string;
  message: string;
  /** The value that fits the limit. */
  fix: unknown;
}

/** Every guard value outside the layer's limits, each with the sentence naming the rule and the value that fits. */
const guardLimitProblems = (values: GuardValues, limits: Limits, prefix: string): LimitProblem[] => {
  const out: LimitProblem[] = [];
  const max = limits.maxActions ? toBudget(limits.maxActions) : undefined;
  if (values.maxActions && max && values.maxActions.count * overlap(values.maxActions, max) > max.count) {
    const b = values.maxActions;
    const window =
      b.perSeconds === max.perSeconds
        ? ''
        : ` (${describeBudget(b)} allows ${b.count * overlap(b, max)} per ${formatDuration(max.perSeconds)})`;
    out.push({
      path: `${prefix}.maxActions`,
      message: `${prefix}.maxActions.count ${b.count}${window} exceeds the platform limit ${describeBudget(max)} (platform.limits.maxActions)`,
      fix: clampBudget(b, max),
    });
  }
  const floor = limits.minCooldown === undefined ? undefined : tryDuration(limits.minCooldown);
  if (values.cooldown !== undefined && floor !== undefined && values.cooldown < floor) {
    out.push({
      path: `${prefix}.cooldown`,
      message: `${prefix}.cooldown ${formatDuration(values.cooldown)} is shorter than the platform minimum ${formatDuration(floor)} (platform.limits.minCooldown)`,
      fix: floor,
    });
  }
  const failures = limits.maxConsecutiveFailures;
  if (
    values.consecutiveFailures !== undefined &&
    failures !== undefined &&
    values.consecutiveFailures > failures
  ) {
    out.push({
      path: `${prefix}.circuitBreaker.consecutiveFailures`,
      message: `${prefix}.circuitBreaker.consecutiveFailures ${values.consecutiveFailures} exceeds the platform limit ${failures} (platform.limits.maxConsecutiveFailures)`,
      fix: failures,
    });
  }
  if (values.dryRun === false && limits.requireDryRun) {
    out.push({
      path: `${prefix}.dryRun`,
      message: `${prefix}.dryRun false is not allowed: the platform requires dry-run (platform.limits.requireDryRun)`,
      fix: true,
    });
  }
  return out;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp);

/** Objects merge key by key (later wins); arrays and scalars are replaced whole. */
const deepMerge = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    // An explicit undefined (a spread in code, never YAML) says nothing: the layer below still applies.
    if (value === undefined) continue;
    const prior = out[key];
    out[key] = isRecord(prior) && isRecord(value) ? deepMerge(prior, value) : value;
  }
  return out;
};

const has = (doc: unknown, path: string): boolean => {
  let at: unknown = doc;
  for (const key of path.split('.')) {
    if (!isRecord(at) || !Object.hasOwn(at, key) || at[key] === undefined) return false;
    at = at[key];
  }
  return true;
};

/** Leaves of the effective policy, by dotted path; a budget is one value, arrays are values. */
const leafPaths = (value: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, v]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isRecord(v) && path !== 'guard.maxActions' ? leafPaths(v, path) : [path];
  });

/**
 * The policy as it runs under the platform layer: platform defaults, then the owner team's notify settings,
 * then the policy's own values; limits checked; protected namespaces and required labels always added.
 *
 * Without `clamp` (apply time) every value the policy WRITES outside a limit is a violation, all reported.
 * A value the policy only inherits (a built-in default) is tightened silently: the author did not choose it.
 * With `clamp` (run time, for stored policies a newer layer made too loose) numeric limits are tightened to
 * the limit and anything that cannot be tightened (an action type no longer allowed, a missing or unknown
 * owner) makes the policy run in dry-run: it still decides and records, never acts.
 */
export const effectivePolicy = (
  platform: Platform | undefined,
  input: PolicyInput | unknown,
  options: { clamp?: boolean } = {},
): EffectivePolicy => {
  if (!isRecord(input)) {
    const parsed = policySchema.safeParse(input);
    return {
      ok: false,
      violations: parsed.success ? ['(root): not an object'] : issues(parsed.error.issues),
    };
  }
  const owner = typeof input.owner === 'string' ? input.owner : undefined;
  const team = owner === undefined ? undefined : platform?.teams[owner];
  const inherited: Record<string, unknown> = {
    ...(platform?.defaults.guard ? { guard: platform.defaults.guard } : {}),
    ...(platform?.defaults.notify ? { notify: platform.defaults.notify } : {}),
  };
  const teamLayer: Record<string, unknown> = team ? { notify: team.notify } : {};
  const parsed = policySchema.safeParse(deepMerge(deepMerge(inherited, teamLayer), input));
  if (!parsed.success) return { ok: false, violations: issues(parsed.error.issues) };
  const policy = parsed.data;
  if (platform === undefined)
    return { ok: true, policy, sources: sourcesOf(policy, input, {}, {}, new Set()), adjusted: [] };

  const clamp = options.clamp === true;
  const violations: string[] = [];
  const adjusted: string[] = [];
  const forced = new Set<string>();
  const limits = platform.limits;
  let refuse = false;

  const guard = policy.guard;
  const action = policy.action as { type: string; gracePeriodSeconds?: number };
  const problems = guardLimitProblems(
    {
      maxActions: guard.maxActions,
      cooldown: guard.cooldown,
      consecutiveFailures: guard.circuitBreaker.consecutiveFailures,
      dryRun: guard.dryRun,
    },
    limits,
    'guard',
  );
  const max = limits.maxGracePeriodSeconds;
  if (max !== undefined && GRACE_ACTION_TYPES.includes(action.type)) {
    const grace = action.gracePeriodSeconds;
    // evictPod without a grace period uses the pod's own, which may be anything: the limit applies.
    if (grace === undefined || grace > max)
      problems.push({
        path: 'action.gracePeriodSeconds',
        message: `action.gracePeriodSeconds ${grace ?? "(the pod's own)"} exceeds the platform limit ${max} (platform.limits.maxGracePeriodSeconds)`,
        fix: max,
      });
  }
  for (const p of problems) {
    const written = has(input, p.path);
    if (written && !clamp) {
      violations.push(p.message);
      continue;
    }
    setPath(policy, p.path, p.fix);
    forced.add(p.path);
    if (written) adjusted.push(`${p.message}: clamped`);
  }

  const refusal = (message: string) => {
    if (clamp) {
      refuse = true;
      adjusted.push(`${message}: the policy runs in dry-run`);
    } else violations.push(message);
  };
  if (limits.actions && !limits.actions.includes(action.type))
    refusal(
      `action.type ${action.type} is not allowed by the platform (platform.limits.actions: ${limits.actions.join(', ')})`,
    );
  if (owner === undefined && limits.requireOwner)
    refusal('owner is required by the platform (platform.limits.requireOwner)');
  const teams = Object.keys(platform.teams);
  if (owner !== undefined && teams.length > 0 && team === undefined)
    refusal(`owner "${owner}" is not a team of the platform layer (platform.teams: ${teams.join(', ')})`);

  const protectedNs = limits.protectedNamespaces;
  const fixedNs =
    policy.target.namespace && 'value' in policy.target.namespace ? policy.target.namespace.value : undefined;
  // Scope problems need no clamp at run time: the protected namespaces join the deny list, which wins.
  if (fixedNs !== undefined && protectedNs.includes(fixedNs)) {
    const message = `target.namespace ${fixedNs} is protected by the platform (platform.limits.protectedNamespaces)`;
    if (clamp) adjusted.push(`${message}: never acted on`);
    else violations.push(message);
  }
  const allowed = (guard.namespaces.allow ?? []).filter((ns) => protectedNs.includes(ns));
  if (allowed.length > 0) {
    const message = `guard.namespaces.allow includes ${allowed.join(', ')}, protected by the platform (platform.limits.protectedNamespaces)`;
    if (clamp) adjusted.push(`${message}: never acted on`);
    else violations.push(message);
  }
  if (violations.length > 0) return { ok: false, violations };

  const extraDeny = protectedNs.filter((ns) => !guard.namespaces.deny.includes(ns));
  if (extraDeny.length > 0) {
    guard.namespaces.deny = [...guard.namespaces.deny, ...extraDeny];
    forced.add('guard.namespaces.deny');
  }
  if (platform.defaults.requiredLabels.length > 0) {
    // Added, never replacing the policy's own: more matchers can only narrow what a policy handles.
    policy.match.matchers = [
      ...policy.match.matchers,
      ...platform.defaults.requiredLabels.map((label) => parseMatcher(`${label}=~".+"`)),
    ];
    forced.add('match.matchers');
  }
  if (refuse && !guard.dryRun) {
    guard.dryRun = true;
    forced.add('guard.dryRun');
  }
  return { ok: true, policy, sources: sourcesOf(policy, input, teamLayer, inherited, forced), adjusted };
};

const issues = (list: Parameters<typeof formatIssues>[0]): string[] => list.map((i) => formatIssues([i]));

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let at: Record<string, unknown> = target;
  for (const key of keys) {
    const next = at[key];
    if (!isRecord(next)) return;
    at = next;
  }
  at[last] = value;
};

const sourcesOf = (
  policy: Policy,
  input: Record<string, unknown>,
  teamLayer: Record<string, unknown>,
  inherited: Record<string, unknown>,
  forced: ReadonlySet<string>,
): Record<string, Source> => {
  const sources: Record<string, Source> = {};
  for (const path of leafPaths(policy as unknown as Record<string, unknown>)) {
    sources[path] = forced.has(path)
      ? 'platform'
      : has(input, path)
        ? 'policy'
        : has(teamLayer, path)
          ? 'team'
          : has(inherited, path)
            ? 'platform'
            : 'built-in';
  }
  return sources;
};

/** Parses a stored or written layer; the problems name each field. */
export const parsePlatform = (
  document: unknown,
): { ok: true; platform: Platform } | { ok: false; problems: string[] } => {
  const parsed = platformSchema.safeParse(document);
  return parsed.success
    ? { ok: true, platform: parsed.data }
    : { ok: false, problems: issues(parsed.error.issues) };
};
