import { describePlan } from '#domain/actions/plan.js';
import { episodeKey } from '#domain/alert/identity.js';
import { parseNotification, type SnsMessageAttributes } from '#domain/alert/parse.js';
import type { Alert } from '#domain/alert/schema.js';
import type { AuditRecord } from '#domain/audit.js';
import { type Decision, decide, type Mode } from '#domain/decide.js';
import { RemedyError } from '#domain/errors.js';
import type { Clusters, Ledger, Logger, Metrics, Notifier, PolicyStore } from '#domain/ports.js';
import { executePlan } from './execute-plan.js';

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
}

/** The parts of a Lambda SNS record remedy reads. */
export interface SnsMessage {
  MessageId: string;
  Message: string;
  MessageAttributes?: SnsMessageAttributes;
}

export interface Summary {
  alerts: number;
  outcomes: Partial<Record<AuditRecord['outcome'], number>>;
  /** True when an action failed in a way a later retry may fix; its claim was released. */
  retryable: boolean;
}

/**
 * Primary course for one SNS notification:
 * 1. parse (refuse non-JSON, truncated or schema-invalid messages: audit, dead-letter, no action);
 * 2. per firing alert: policy → target → guardrails → claim the episode → act (or record "would have") → audit;
 * 3. per resolved alert: record how long it fired.
 * Every alert yields exactly one audit record and one notification.
 */
export const remediateNotification = async (
  sns: SnsMessage,
  deps: RemediationDeps,
  invocation: { requestId: string; signal?: AbortSignal },
): Promise<Summary> => {
  const summary: Summary = { alerts: 0, outcomes: {}, retryable: false };
  const record = async (r: AuditRecord, settle?: { key: string; token: string }) => {
    summary.outcomes[r.outcome] = (summary.outcomes[r.outcome] ?? 0) + 1;
    deps.metrics.count('Decision', { outcome: r.outcome, code: r.code });
    deps.logger.info(`${r.outcome}: ${r.reason}`, { decision: r });
    if (settle) await deps.ledger.settle(settle.key, settle.token, r);
    else await deps.ledger.audit(r);
    await notifySafely(deps, r);
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
    });
    return summary;
  }

  for (const alert of parsed.notification.alerts) {
    summary.alerts++;
    const base = alertFacts(alert, sns.MessageId);
    if (alert.status === 'resolved') {
      await record(resolvedRecord(alert, base, deps.clock()));
      continue;
    }
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
      continue;
    }
    // Dry-run and enforce claim separately, so switching to enforce mid-episode still acts once.
    const key = `${base.episode}#${decision.dryRun ? 'dry-run' : 'enforce'}`;
    const claim = await deps.ledger.claim(key, invocation.requestId, deps.clock());
    const facts = {
      ...base,
      policy: decision.policy.name,
      target: decision.plan.target,
      plan: decision.plan,
    };
    if (!claim.claimed) {
      const reason = `episode already handled by ${claim.holder} at ${claim.at}; not acting twice`;
      await record({ ...facts, at, outcome: 'skipped', code: 'duplicate', reason });
      continue;
    }
    const settle = { key, token: claim.token };
    if (decision.dryRun) {
      const reason = `would ${describePlan(decision.plan)} (${decision.why})`;
      await record({ ...facts, at, outcome: 'would-act', code: decision.plan.action, reason }, settle);
      continue;
    }
    try {
      const result = await executePlan(decision.plan, deps.clusters, invocation.signal);
      await record({ ...facts, ...result, at: deps.clock().toISOString() }, settle);
    } catch (error) {
      // Unknown errors and transient ones (5xx, 429, timeouts, DescribeCluster hiccups) may succeed on a
      // retry; denied, invalid or unknown-cluster errors will not.
      const retryable = !(error instanceof RemedyError) || ('retryable' in error && error.retryable === true);
      if (retryable) {
        await deps.ledger.release(key, claim.token);
        summary.retryable = true;
      }
      const code = error instanceof RemedyError ? error.code : 'UNEXPECTED';
      const reason = `${describePlan(decision.plan)} failed: ${(error as Error).message}${retryable ? ' (will retry)' : ''}`;
      const failed: AuditRecord = {
        ...facts,
        at: deps.clock().toISOString(),
        outcome: 'failed',
        code,
        reason,
      };
      if (retryable) await record(failed);
      else await record(failed, settle);
    }
  }
  return summary;
};

type AlertFacts = Required<
  Pick<AuditRecord, 'alertname' | 'fingerprint' | 'startsAt' | 'episode' | 'messageId'>
>;

const alertFacts = (alert: Alert, messageId: string): AlertFacts => ({
  alertname: alert.labels.alertname ?? '',
  fingerprint: alert.fingerprint,
  startsAt: alert.startsAt,
  episode: episodeKey(alert),
  messageId,
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
  ...(decision.policy ? { policy: decision.policy.name } : {}),
  ...(decision.target ? { target: decision.target } : {}),
});

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
