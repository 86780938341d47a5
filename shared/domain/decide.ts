import { planAction, targetKindOf } from './actions/catalog.js';
import type { Plan } from './actions/plan.js';
import type { Alert } from './alert/schema.js';
import { checkNamespaceScope } from './guardrails/scope.js';
import type { Policy } from './policy/schema.js';
import { selectPolicy } from './policy/select.js';
import { resolveTarget, type Target } from './target/target.js';

/** Global mode: dry-run decides and records "would have …" but never touches a cluster. */
export type Mode = 'dry-run' | 'enforce';

/** Stable reasons for not acting: audit records and metrics carry these codes. */
export type SkipCode =
  | 'no-policy'
  | 'invalid-target'
  | 'namespace-protected'
  | 'namespace-denied'
  | 'namespace-not-allowed'
  | 'duplicate'
  | 'target-gone'
  | 'target-replaced'
  // Look before acting (policy `analysis`): Prometheus did not confirm, had no data, failed, or is not configured.
  | 'analysis-not-confirmed'
  | 'analysis-empty'
  | 'analysis-error'
  | 'analysis-unavailable';

export type Decision =
  | { kind: 'act'; policy: Policy; plan: Plan; dryRun: boolean; why: string }
  | { kind: 'skip'; code: SkipCode; reason: string; policy?: Policy; target?: Target };

export interface DecisionContext {
  mode: Mode;
  protectedNamespaces: readonly string[];
}

/**
 * What to do about one firing alert, as a pure function of the alert, the policies and the mode. Guard clauses
 * run in the order an SRE would check: is there a policy, is the target well-formed, is it in scope, dry-run.
 */
export const decide = (alert: Alert, policies: readonly Policy[], ctx: DecisionContext): Decision => {
  const selection = selectPolicy(alert, policies);
  if (!selection.ok) return { kind: 'skip', code: 'no-policy', reason: selection.reason };
  const { policy } = selection;

  const resolution = resolveTarget(policy.target, targetKindOf(policy.action), alert.labels);
  if (!resolution.ok) return { kind: 'skip', code: 'invalid-target', reason: resolution.reason, policy };
  const { target } = resolution;

  const scope = checkNamespaceScope(target, policy.guard.namespaces, ctx.protectedNamespaces);
  if (!scope.pass)
    return { kind: 'skip', code: scope.code as SkipCode, reason: scope.reason, policy, target };

  const plan = planAction(policy.action, target);
  const dryRun = ctx.mode === 'dry-run' || policy.guard.dryRun;
  const why =
    ctx.mode === 'dry-run'
      ? 'global mode is dry-run'
      : policy.guard.dryRun
        ? `policy ${policy.name} is in dry-run`
        : `policy ${policy.name} matched`;
  return { kind: 'act', policy, plan, dryRun, why };
};
