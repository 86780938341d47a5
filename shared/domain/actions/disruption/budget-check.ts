import type { LabelSelector } from '../rollback/objects.js';
import { selectorMatches } from './label-selector.js';

/** The fields of a policy/v1 PodDisruptionBudget the pre-check reads. */
export interface PodDisruptionBudget {
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: { selector?: LabelSelector | null; unhealthyPodEvictionPolicy?: string };
  status?: {
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    observedGeneration?: number;
  };
}

/** What the pre-check needs to know about the pod about to be deleted. */
export interface PodForBudget {
  namespace: string;
  labels?: Readonly<Record<string, string>> | undefined;
  phase?: string | undefined;
  ready: boolean;
}

export type BudgetCheck = { ok: true } | { ok: false; budget: string; why: string };

/** Phases in which a pod serves nothing, so no budget protects it (the eviction API's canIgnorePDB). */
const PHASES_WITHOUT_BUDGET: ReadonlySet<string> = new Set(['Pending', 'Succeeded', 'Failed']);

/** A policy/v1 budget with no selector selects nothing; an empty selector selects every pod of its namespace. */
export const budgetSelects = (pdb: PodDisruptionBudget, pod: PodForBudget): boolean => {
  const selector = pdb.spec?.selector;
  if (selector === undefined || selector === null) return false;
  return (pdb.metadata.namespace ?? pod.namespace) === pod.namespace && selectorMatches(selector, pod.labels);
};

/** Why one budget forbids losing the pod now, or undefined when it allows it. */
const budgetForbids = (pdb: PodDisruptionBudget, pod: PodForBudget): string | undefined => {
  const status = pdb.status ?? {};
  // A status computed for an older spec says nothing about the current one; the eviction API waits too.
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    return 'its status is not yet computed for its current spec';
  }
  const current = status.currentHealthy ?? 0;
  const desired = status.desiredHealthy ?? 0;
  // An unready pod is not counted healthy, so losing it costs no disruption while the budget is met.
  const unreadyIsFree =
    !pod.ready &&
    (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (current >= desired && desired > 0));
  if (unreadyIsFree || (status.disruptionsAllowed ?? 0) >= 1) return undefined;
  return `needs ${desired} healthy pods and has ${current}`;
};

/**
 * Whether deleting the pod keeps every PodDisruptionBudget that selects it, judged as the eviction API
 * would: a plain DELETE bypasses budgets, so remedy checks them first when the policy asks. `budgets` are
 * those of the pod's namespace; the first one that forbids it is reported.
 */
export const checkDisruptionBudgets = (
  pod: PodForBudget,
  budgets: readonly PodDisruptionBudget[],
): BudgetCheck => {
  if (pod.phase !== undefined && PHASES_WITHOUT_BUDGET.has(pod.phase)) return { ok: true };
  for (const pdb of budgets) {
    if (!budgetSelects(pdb, pod)) continue;
    const why = budgetForbids(pdb, pod);
    if (why !== undefined) return { ok: false, budget: pdb.metadata.name, why };
  }
  return { ok: true };
};
