import { describePlan } from '#domain/actions/plan.js';
import { episodeKey, groupKey } from '#domain/alert/identity.js';
import { parseNotification, type SnsMessageAttributes } from '#domain/alert/parse.js';
import type { Alert } from '#domain/alert/schema.js';
import type { AuditRecord } from '#domain/audit.js';
import { type Decision, decide, type Mode } from '#domain/decide.js';
import { RemedyError } from '#domain/errors.js';
import type { Budget } from '#domain/guardrails/budget.js';
import type {
  Clusters,
  Ledger,
  Logger,
  Metrics,
  Notifier,
  PolicyStore,
  PrometheusQueries,
} from '#domain/ports.js';
import type { ActionTaken } from '#domain/verify/ports.js';
import { analyseBeforeActing, withAnalysis } from './analysis.js';
import { mapWithConcurrency } from './concurrency.js';
import { type ActionBackends, executePlan } from './execute-plan.js';
import { reservationKeys } from './reservation-keys.js';
import { actionTaken, afterAction, type VerificationDeps, withResolution } from './verify-after-action.js';

export interface RemediationDeps {
  policies: PolicyStore;
  ledger: Ledger;
  clusters: Clusters;
  notifier: Notifier;
  metrics: Metrics;
  logger: Logger;
  mode: Mode;
  protectedNamespaces: readonly string[];
  clock: () => Date;
  /** Actions per cluster per fixed window, across all policies. */
  clusterBudget: Budget;
  /** How many alerts of one notification are worked on at once (bounds concurrent Kubernetes calls). */
  concurrency: number;
  /** Clients of the actions that do not go through Kubernetes (SSM, Step Functions, Lambda); lazy in wiring. */
  actions?: ActionBackends;
  /** Instant PromQL queries for policies with an `analysis` (look before acting); lazy in wiring. */
  prometheus?: PrometheusQueries | undefined;
  /** Remembers actions, schedules their `verify` followup, and times resolves after an action. */
  verification?: VerificationDeps | undefined;
}

/** The parts of a Lambda SNS record remedy reads. */
export interface SnsMessage {
  MessageId: string;
  Message: string;
  MessageAttributes?: SnsMessageAttributes;
}

export interface Invocation {
  requestId: string;
  signal?: AbortSignal;
  /** Milliseconds the invocation has left (Lambda's getRemainingTimeInMillis). */
  remainingMs?: () => number;
}

export interface Summary {
  alerts: number;
  outcomes: Partial<Record<AuditRecord['outcome'], number>>;
  /** True when work remains that a retry may do: a transient failure (claim released) or deferred alerts. */
  retryable: boolean;
  /** Alerts not started because the invocation was about to time out; Lambda's retry picks them up. */
  deferred: number;
}

/** Below this much time left, no new alert is started: an action must never be cut off mid-way. */
export const MIN_REMAINING_MS = 10_000;

/**
 * Primary course for one SNS notification:
 * 1. parse (refuse non-JSON, truncated or schema-invalid messages: audit, dead-letter, no action);
 * 2. per firing alert, a few at a time: policy → target → scope → one atomic reservation (kill switch, circuit
 *    breaker, episode claim, target cooldown, policy and cluster budgets) → act or record "would have" → audit;
 * 3. per resolved alert: record how long it fired.
 * Every alert yields exactly one audit record. Budget refusals are announced once per notification, not per alert.
 */
export const remediateNotification = async (
  sns: SnsMessage,
  deps: RemediationDeps,
  invocation: Invocation,
): Promise<Summary> => {
  const summary: Summary = { alerts: 0, outcomes: {}, retryable: false, deferred: 0 };
  const overBudget: AuditRecord[] = [];
  // Budget skips are not awaited one by one, so a storm's records are written together (the ledger batches
  // what arrives in one turn); all are durable before this notification is summarised and returns.
  const pendingAudits: Array<Promise<void>> = [];
  const record: Record_ = async (r, settle) => {
    summary.outcomes[r.outcome] = (summary.outcomes[r.outcome] ?? 0) + 1;
    deps.metrics.count('Decision', { outcome: r.outcome, code: r.code });
    deps.logger.info(`${r.outcome}: ${r.reason}`, { decision: r });
    if (settle)
      await deps.ledger.settle(settle.key, settle.token, r, {
        ...(settle.actedFor ? { actedFor: settle.actedFor } : {}),
        ...(settle.remember ? { remember: settle.remember } : {}),
      });
    else if (r.code === 'budget-exhausted') {
      const written = deps.ledger.audit(r);
      written.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
      pendingAudits.push(written);
    } else await deps.ledger.audit(r);
    if (r.code === 'budget-exhausted') overBudget.push(r);
    else await notifySafely(deps, r);
  };

  const parsed = parseNotification(sns.Message, sns.MessageAttributes);
  if (!parsed.ok) {
    const { error } = parsed;
    const at = deps.clock().toISOString();
    await deps.ledger.deadLetter({
      at,
      reason: error.message,
      code: error.code,
      messageId: sns.MessageId,
      message: sns.Message,
    });
    await record({
      at,
      outcome: 'rejected',
      code: error.code,
      reason: error.message,
      messageId: sns.MessageId,
      mode: deps.mode,
    });
    return summary;
  }

  const group = groupKey(parsed.notification);
  const alerts = mapWithConcurrency(parsed.notification.alerts, deps.concurrency, async (alert) => {
    if (invocation.remainingMs && invocation.remainingMs() < MIN_REMAINING_MS) {
      summary.deferred++;
      summary.retryable = true;
      return;
    }
    summary.alerts++;
    const base = alertFacts(alert, sns.MessageId, deps.mode, group);
    if (alert.status === 'resolved')
      return record(
        await withResolution(
          resolvedRecord(alert, base, deps.clock()),
          deps.verification,
          deps,
          alert.endsAt,
        ),
      );
    return handleFiring(alert, base, sns, deps, invocation, record, summary);
  });
  try {
    await alerts;
  } finally {
    await Promise.allSettled(pendingAudits);
  }
  await Promise.all(pendingAudits);
  if (summary.deferred > 0) {
    deps.logger.warn(
      `deferred ${summary.deferred} alert(s): invocation close to its timeout; Lambda will retry`,
    );
    deps.metrics.count('AlertsDeferred', {}, summary.deferred);
  }
  if (overBudget.length > 0) await notifySafely(deps, budgetSummary(overBudget, deps.clock()));
  return summary;
};

type Record_ = (
  r: AuditRecord,
  settle?: { key: string; token: string; actedFor?: string; remember?: ActionTaken | undefined },
) => Promise<void>;

const handleFiring = async (
  alert: Alert,
  base: AlertFacts,
  sns: SnsMessage,
  deps: RemediationDeps,
  invocation: Invocation,
  record: Record_,
  summary: Summary,
): Promise<void> => {
  const policies = await deps.policies.forAlertname(base.alertname);
  const decision = decide(alert, policies, deps);
  const at = deps.clock().toISOString();
  if (decision.kind === 'skip') {
    await record(skipRecord(decision, base, at));
    if (decision.code === 'invalid-target') {
      await deps.ledger.deadLetter({
        at,
        reason: decision.reason,
        code: decision.code,
        messageId: sns.MessageId,
        message: sns.Message,
      });
    }
    return;
  }
  const { policy, plan, dryRun } = decision;
  // Before the reservation: an analysis that says "no" spends no budget, cooldown or episode claim.
  const analysis = await analyseBeforeActing(
    policy.analysis,
    alert.labels,
    plan.target.cluster,
    deps,
    invocation.signal,
  );
  if (!analysis.proceed) {
    const { code, reason, details } = analysis;
    const facts = { ...base, policy: policy.name, target: plan.target, plan, ...routingOf(policy) };
    await record({ ...facts, at, outcome: 'skipped', code, reason, details });
    return;
  }
  // Dry-run keeps its own claims, cooldowns and budgets: it simulates faithfully and never blocks enforcement.
  const now = deps.clock();
  const keys = reservationKeys(alert, policy, plan, dryRun, deps.clusterBudget, now);
  const key = keys.claim;
  const reservation = await deps.ledger.reserve({
    episode: key,
    holder: invocation.requestId,
    now,
    policy: policy.name,
    checkBreaker: keys.checkBreaker,
    cooldown: keys.cooldown,
    budgets: keys.budgets,
  });
  const facts = { ...base, policy: policy.name, target: plan.target, plan, ...routingOf(policy) };
  if (!reservation.reserved) {
    await record({ ...facts, at, outcome: 'skipped', code: reservation.code, reason: reservation.reason });
    return;
  }
  const settle = { key, token: reservation.token };
  if (dryRun) {
    const reason = `would ${describePlan(plan)} (${decision.why})`;
    await record(
      { ...facts, at, outcome: 'would-act', code: plan.action, reason, ...withAnalysis(undefined, analysis) },
      settle,
    );
    return;
  }
  let result: Awaited<ReturnType<typeof executePlan>>;
  try {
    const alertContext = { ...base.alert, ...base, policy: policy.name };
    result = await executePlan(plan, deps.clusters, deps.clock, invocation.signal, {
      backends: deps.actions,
      alert: alertContext,
    });
  } catch (error) {
    // Unknown errors and transient ones (5xx, 429, timeouts, DescribeCluster hiccups) may succeed on a
    // retry; denied, invalid or unknown-cluster errors will not.
    const retryable = !(error instanceof RemedyError) || ('retryable' in error && error.retryable === true);
    const code = error instanceof RemedyError ? error.code : 'UNEXPECTED';
    const reason = `${describePlan(plan)} failed: ${(error as Error).message}${retryable ? ' (will retry)' : ''}`;
    const failed: AuditRecord = { ...facts, at: deps.clock().toISOString(), outcome: 'failed', code, reason };
    if (retryable) {
      await deps.ledger.release(key, reservation.token, keys.cooldown.key);
      summary.retryable = true;
      await record(failed);
    } else {
      await record(failed, settle);
    }
    const threshold = policy.guard.circuitBreaker.consecutiveFailures;
    const { opened } = await deps.ledger.recordFailure(policy.name, threshold, deps.clock());
    if (opened) {
      await record({
        ...base,
        policy: policy.name,
        ...routingOf(policy),
        at: deps.clock().toISOString(),
        outcome: 'skipped',
        code: 'circuit-opened',
        reason: `policy ${policy.name} paused after ${threshold} failed actions in a row; resume with \`remedy breaker resume ${policy.name}\``,
      });
    }
    return;
  }
  // The cluster has been touched: from here on nothing may release the claim or count a failure. An error
  // recording the outcome propagates (Lambda retries the notification; the held claim turns the retry away).
  const acted = result.outcome === 'acted';
  const done: AuditRecord = {
    ...facts,
    ...result,
    ...withAnalysis(result.details, analysis),
    at: deps.clock().toISOString(),
  };
  // An action is remembered for verification in the same write as its outcome and audit record.
  const remember = acted && deps.verification ? actionTaken(done) : undefined;
  await record(done, acted ? { ...settle, actedFor: policy.name, remember } : settle);
  // With `verify`, schedule its followup (never throws: the action stands).
  if (acted && deps.verification)
    await afterAction(done, policy.verify, deps.verification, deps, { recorded: remember !== undefined });
};

type AlertFacts = Required<
  Pick<
    AuditRecord,
    'alertname' | 'fingerprint' | 'startsAt' | 'episode' | 'messageId' | 'mode' | 'group' | 'alert'
  >
>;

/** Who owns the deciding policy and how its humans are told, carried on its records (no policy lookup later). */
const routingOf = (policy: {
  owner?: string | undefined;
  notify?: AuditRecord['notify'];
}): Pick<AuditRecord, 'notify' | 'owner'> => ({
  ...(policy.owner ? { owner: policy.owner } : {}),
  ...(policy.notify ? { notify: policy.notify } : {}),
});

const alertFacts = (alert: Alert, messageId: string, mode: Mode, group: string): AlertFacts => ({
  alertname: alert.labels.alertname ?? '',
  fingerprint: alert.fingerprint,
  startsAt: alert.startsAt,
  episode: episodeKey(alert),
  messageId,
  mode,
  group,
  alert: { labels: alert.labels, annotations: alert.annotations, generatorURL: alert.generatorURL },
});

const resolvedRecord = (alert: Alert, base: AlertFacts, now: Date): AuditRecord => {
  const end = alert.endsAt ? Date.parse(alert.endsAt) : Number.NaN;
  const firedSeconds = Math.round(
    ((Number.isNaN(end) ? now.getTime() : end) - Date.parse(alert.startsAt)) / 1000,
  );
  return {
    ...base,
    at: now.toISOString(),
    outcome: 'resolved',
    code: 'resolved',
    reason: `${base.alertname} resolved after ${firedSeconds}s firing; nothing to do`,
    details: { firedSeconds },
  };
};

const skipRecord = (
  decision: Extract<Decision, { kind: 'skip' }>,
  base: AlertFacts,
  at: string,
): AuditRecord => ({
  ...base,
  at,
  outcome: 'skipped',
  code: decision.code,
  reason: decision.reason,
  ...(decision.policy ? { policy: decision.policy.name, ...routingOf(decision.policy) } : {}),
  ...(decision.target ? { target: decision.target } : {}),
});

/** One notification for all the alerts a budget turned away in this notification (a storm is one message). */
const budgetSummary = (records: AuditRecord[], now: Date): AuditRecord => {
  const reasons = [...new Set(records.map((r) => r.reason))];
  return {
    at: now.toISOString(),
    outcome: 'skipped',
    code: 'budget-exhausted',
    reason: `${records.length} alert(s) not acted on: ${reasons.join('; ')}`,
    ...(records[0]?.mode ? { mode: records[0].mode } : {}),
    ...(records[0]?.alertname ? { alertname: records[0].alertname } : {}),
    ...(records[0]?.policy ? { policy: records[0].policy } : {}),
    ...(records[0]?.group ? { group: records[0].group } : {}),
    ...(records[0]?.notify ? { notify: records[0].notify } : {}),
    details: { alerts: records.length },
  };
};

const notifySafely = async (deps: RemediationDeps, r: AuditRecord): Promise<void> => {
  try {
    await deps.notifier.notify(r);
  } catch (error) {
    deps.metrics.count('NotifyFailed');
    deps.logger.warn('notifier failed; the decision stands and is audited', {
      error: (error as Error).message,
    });
  }
};
