import type { Plan } from '#domain/actions/plan.js';
import { episodeKey } from '#domain/alert/identity.js';
import type { Alert } from '#domain/alert/schema.js';
import { type Budget, budgetWindow } from '#domain/guardrails/budget.js';
import type { Policy } from '#domain/policy/schema.js';
import { targetRef } from '#domain/target/target.js';

/** The state items one action's reservation takes: the function reserves them, `policy explain` reads them. */
export interface ReservationKeys {
  claim: string;
  checkBreaker: boolean;
  cooldown: { key: string; seconds: number };
  budgets: Array<{
    name: 'policy budget' | 'cluster budget';
    key: string;
    limit: number;
    windowEnd: Date;
    /** What the refusal says, e.g. "policy p allows 10 actions per 1h". */
    label: string;
  }>;
}

/**
 * The reservation a planned action takes: dry-run keeps its own claims, cooldowns and budgets (suffix `#dry-run`)
 * so it simulates faithfully and never blocks enforcement, and it skips the circuit breaker.
 */
export const reservationKeys = (
  alert: Pick<Alert, 'fingerprint' | 'startsAt'>,
  policy: Policy,
  plan: Plan,
  dryRun: boolean,
  clusterBudget: Budget,
  now: Date,
): ReservationKeys => {
  const suffix = dryRun ? '#dry-run' : '';
  const policyBudget = budgetWindow('policy', policy.name, policy.guard.maxActions, now);
  const cluster = budgetWindow('cluster', plan.target.cluster, clusterBudget, now);
  return {
    claim: `${episodeKey(alert)}#${dryRun ? 'dry-run' : 'enforce'}`,
    checkBreaker: !dryRun,
    cooldown: { key: `TARGET#${targetRef(plan.target)}${suffix}`, seconds: policy.guard.cooldown },
    budgets: [
      {
        name: 'policy budget',
        ...policyBudget,
        key: `${policyBudget.key}${suffix}`,
        label: `policy ${policy.name} allows ${describeBudget(policy.guard.maxActions)}`,
      },
      {
        name: 'cluster budget',
        ...cluster,
        key: `${cluster.key}${suffix}`,
        label: `cluster ${plan.target.cluster} allows ${describeBudget(clusterBudget)}`,
      },
    ],
  };
};

export const describeBudget = (b: Budget): string =>
  `${b.count} actions per ${b.perSeconds % 3600 === 0 ? `${b.perSeconds / 3600}h` : `${b.perSeconds / 60}m`}`;
