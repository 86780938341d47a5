// `remedy policy explain`: what remedy would do with an alert right now, and why, without doing any of it.
// The decision is the function's own pure decide(); the guardrails are read (never reserved) from the state table.
import { describePlan, type Plan } from '#domain/actions/plan.js';
import { episodeKey } from '#domain/alert/identity.js';
import type { Alert } from '#domain/alert/schema.js';
import type { Outcome } from '#domain/audit.js';
import { decide, type Mode } from '#domain/decide.js';
import { type Budget, timeLeft } from '#domain/guardrails/budget.js';
import { matches } from '#domain/policy/matchers.js';
import type { Policy } from '#domain/policy/schema.js';
import { selectPolicy } from '#domain/policy/select.js';
import type { Target } from '#domain/target/target.js';
import { type ReservationKeys, reservationKeys } from './reservation-keys.js';

/** The state table as explain sees it: reads only. */
export interface GuardrailState {
  pauseState(): Promise<{ paused: boolean; by?: string; reason?: string; at?: string }>;
  breaker(
    policy: string,
  ): Promise<{ isOpen: boolean; consecutiveFailures: number; openedAt?: string; reason?: string }>;
  /** The claim item of an episode key (ALERT#<key> / CLAIM), if any. */
  claim(key: string): Promise<ClaimState | undefined>;
  /** When the cooldown item (TARGET#… / COOLDOWN) ends, if it has one. */
  cooldown(key: string): Promise<{ until: Date; episode?: string } | undefined>;
  /** How many actions a budget window (RATE#… / BUDGET) has counted. */
  budgetUsed(key: string): Promise<number>;
}

export interface ClaimState {
  state?: string;
  holder?: string;
  claimedAt?: string;
  /** Epoch seconds after which an in-progress claim may be taken over. */
  leaseUntil?: number;
  outcome?: string;
  code?: string;
}

export interface ExplainContext {
  mode: Mode;
  protectedNamespaces: readonly string[];
  clusterBudget: Budget;
  now: Date;
}

/** A policy for the alert's alertname and how it fared. */
export interface Candidate {
  policy: string;
  priority: number;
  /** Every matcher holds. */
  matched: boolean;
  chosen: boolean;
  /** Why it won or lost, for a person. */
  why: string;
}

export type GuardrailName =
  | 'kill switch'
  | 'circuit breaker'
  | 'episode claim'
  | 'cooldown'
  | 'policy budget'
  | 'cluster budget';

export interface GuardrailCheck {
  name: GuardrailName;
  pass: boolean;
  /** The refusal code the function would record when it stops the action. */
  code: string;
  detail: string;
}

export interface AlertExplanation {
  alertname: string;
  status: Alert['status'];
  episode: string;
  mode: Mode;
  candidates: Candidate[];
  policy?: Policy;
  target?: Target;
  plan?: Plan;
  /** Dry-run, globally or by the policy. */
  dryRun?: boolean;
  /** In the order the function's reservation checks them; empty when no action is planned. */
  guardrails: GuardrailCheck[];
  /** What the function would record for this alert now. */
  verdict: { outcome: Outcome; code: string; reason: string };
}

/** Which policies were considered for the alert and why each won or lost (selectPolicy's rules, spelled out). */
export const explainCandidates = (alert: Pick<Alert, 'labels'>, policies: readonly Policy[]): Candidate[] => {
  const alertname = alert.labels.alertname ?? '';
  const selection = selectPolicy(alert, policies);
  const winner = selection.ok ? selection.policy : undefined;
  const candidates = policies
    .filter((p) => p.match.alertname === alertname)
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  return candidates.map((p) => {
    const failing = p.match.matchers.filter((m) => !matches(m, alert.labels));
    const matched = failing.length === 0;
    let why: string;
    if (!matched) {
      why = `matchers do not hold: ${failing
        .map(
          (m) =>
            `${m.name}${m.type}${JSON.stringify(m.value)} (${m.name} is ${JSON.stringify(alert.labels[m.name] ?? '')})`,
        )
        .join(', ')}`;
    } else if (winner === p) {
      const losers = candidates.filter(
        (c) => c !== p && c.match.matchers.every((m) => matches(m, alert.labels)),
      );
      why =
        losers.length === 0
          ? 'the only policy whose matchers hold'
          : `highest priority of ${losers.length + 1} matching policies`;
    } else if (winner !== undefined) {
      why = `lower priority than ${winner.name} (${p.priority} < ${winner.priority})`;
    } else {
      why = selection.ok ? '' : selection.reason;
    }
    return { policy: p.name, priority: p.priority, matched, chosen: winner === p, why };
  });
};

/**
 * What the function would decide for the alert now: decide() for the policy, target, scope and mode, then each
 * guardrail of the reservation read from `state` (all of them, so an operator sees every one that would stop it).
 */
export async function explainAlert(
  alert: Alert,
  policies: readonly Policy[],
  ctx: ExplainContext,
  state: GuardrailState,
): Promise<AlertExplanation> {
  const base = {
    alertname: alert.labels.alertname ?? '',
    status: alert.status,
    episode: episodeKey(alert),
    mode: ctx.mode,
    candidates: explainCandidates(alert, policies),
  };
  if (alert.status === 'resolved') {
    return {
      ...base,
      guardrails: [],
      verdict: {
        outcome: 'resolved',
        code: 'resolved',
        reason: 'a resolved alert is only recorded; nothing is done',
      },
    };
  }
  const decision = decide(alert, policies, ctx);
  if (decision.kind === 'skip') {
    return {
      ...base,
      ...(decision.policy ? { policy: decision.policy } : {}),
      ...(decision.target ? { target: decision.target } : {}),
      guardrails: [],
      verdict: { outcome: 'skipped', code: decision.code, reason: decision.reason },
    };
  }
  const { policy, plan, dryRun } = decision;
  const keys = reservationKeys(alert, policy, plan, dryRun, ctx.clusterBudget, ctx.now);
  const guardrails = await checkGuardrails(keys, policy, ctx.now, state);
  const stop = guardrails.find((g) => !g.pass);
  const verdict = stop
    ? { outcome: 'skipped' as const, code: stop.code, reason: `${stop.name}: ${stop.detail}` }
    : {
        outcome: dryRun ? ('would-act' as const) : ('acted' as const),
        code: plan.action,
        reason: `${dryRun ? 'would record "would' : 'would'} ${describePlan(plan)}${dryRun ? '" (dry-run)' : ''} (${decision.why})`,
      };
  return { ...base, policy, target: plan.target, plan, dryRun, guardrails, verdict };
}

async function checkGuardrails(
  keys: ReservationKeys,
  policy: Policy,
  now: Date,
  state: GuardrailState,
): Promise<GuardrailCheck[]> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const [pause, breaker, claim, cooldown, ...used] = await Promise.all([
    state.pauseState(),
    keys.checkBreaker ? state.breaker(policy.name) : undefined,
    state.claim(keys.claim),
    keys.cooldown.seconds > 0 ? state.cooldown(keys.cooldown.key) : undefined,
    ...keys.budgets.map((b) => state.budgetUsed(b.key)),
  ]);
  const checks: GuardrailCheck[] = [
    pause.paused
      ? {
          name: 'kill switch',
          pass: false,
          code: 'paused',
          detail: `remedy is paused by ${pause.by ?? 'an operator'}${pause.at ? ` since ${pause.at}` : ''}: ${pause.reason ?? 'no reason given'} (\`remedy resume\` lifts it)`,
        }
      : { name: 'kill switch', pass: true, code: 'paused', detail: 'not paused' },
  ];
  if (breaker !== undefined) {
    checks.push(
      breaker.isOpen
        ? {
            name: 'circuit breaker',
            pass: false,
            code: 'circuit-open',
            detail: `open since ${breaker.openedAt ?? '?'} (${breaker.reason ?? ''}); \`remedy breaker resume ${policy.name}\` closes it`,
          }
        : {
            name: 'circuit breaker',
            pass: true,
            code: 'circuit-open',
            detail: `closed, ${breaker.consecutiveFailures} of ${policy.guard.circuitBreaker.consecutiveFailures} failures in a row`,
          },
    );
  } else {
    checks.push({
      name: 'circuit breaker',
      pass: true,
      code: 'circuit-open',
      detail: 'not checked in dry-run',
    });
  }
  const held =
    claim !== undefined && (claim.state !== 'in-progress' || (claim.leaseUntil ?? 0) >= nowSeconds);
  checks.push(
    held
      ? {
          name: 'episode claim',
          pass: false,
          code: 'duplicate',
          detail: `this episode was already handled by ${claim?.holder ?? 'another invocation'} at ${claim?.claimedAt ?? '?'}${claim?.outcome ? ` (${claim.outcome} ${claim.code ?? ''})`.trimEnd() : ''}; never twice`,
        }
      : { name: 'episode claim', pass: true, code: 'duplicate', detail: 'episode not handled yet' },
  );
  if (keys.cooldown.seconds === 0) {
    checks.push({ name: 'cooldown', pass: true, code: 'cooldown', detail: 'the policy has no cooldown' });
  } else if (cooldown !== undefined && Math.floor(cooldown.until.getTime() / 1000) > nowSeconds) {
    // Epoch seconds, as the reservation compares them.
    checks.push({
      name: 'cooldown',
      pass: false,
      code: 'cooldown',
      detail: `target cooling down for ${timeLeft(cooldown.until, now)} more (acted on for episode ${cooldown.episode ?? '?'})`,
    });
  } else {
    checks.push({ name: 'cooldown', pass: true, code: 'cooldown', detail: 'target not cooling down' });
  }
  keys.budgets.forEach((budget, i) => {
    const count = used[i] ?? 0;
    const window = `resets in ${timeLeft(budget.windowEnd, now)}`;
    checks.push({
      name: budget.name,
      pass: count < budget.limit,
      code: 'budget-exhausted',
      detail:
        count < budget.limit
          ? `${count} of ${budget.limit} used (${window})`
          : `exhausted: ${count} of ${budget.limit} used (${window})`,
    });
  });
  return checks;
}
