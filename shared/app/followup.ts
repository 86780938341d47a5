import { formatDuration } from '#domain/actions/duration.js';
import type { AuditRecord, VerifyOutcome } from '#domain/audit.js';
import type { NotifySettings } from '#domain/notify/schema.js';
import type { Clusters, Ledger, Logger, Metrics, Notifier, PrometheusQueries } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';
import { type FollowupMessage, parseFollowup } from '#domain/verify/message.js';
import { delaySecondsUntil, queryVerdict, secondsBetween, stillEarly } from '#domain/verify/outcome.js';
import type { FollowupScheduler, VerificationStore } from '#domain/verify/ports.js';
import { rolloutState } from '#domain/verify/rollout.js';
import { MAX_VERIFY_AFTER_SECONDS, type VerifySpec } from '#domain/verify/schema.js';
import { runCheck } from './run-check.js';

export interface FollowupDeps {
  store: VerificationStore;
  scheduler: FollowupScheduler;
  clusters: Clusters;
  /** Absent: no Prometheus configured; a query check is inconclusive and says so. */
  prometheus?: PrometheusQueries | undefined;
  notifier: Notifier;
  ledger: Pick<Ledger, 'deadLetter' | 'audit'>;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
}

/** What became of one followup message. */
export type FollowupResult =
  | { kind: 'verified'; verdict: VerifyOutcome; quarantined: boolean }
  | { kind: 'waiting'; dueAt: string }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: string };

interface Finding {
  verdict: VerifyOutcome;
  code: string;
  reason: string;
  details: Record<string, string | number | boolean>;
}

/**
 * One followup: check whether the action helped, record the verdict once (a redelivered message finds it and
 * does nothing), tell the Slack thread and the ticket, escalate when it did not help, and quarantine a policy
 * whose actions keep not helping. A malformed message is dead-lettered and acknowledged, never retried;
 * infrastructure errors (DynamoDB) throw so SQS redelivers the message.
 */
export const followUp = async (
  body: string,
  messageId: string,
  deps: FollowupDeps,
  signal?: AbortSignal,
): Promise<FollowupResult> => {
  const parsed = parseFollowup(body);
  if (!parsed.ok) {
    const at = deps.clock().toISOString();
    deps.metrics.count('FollowupRejected');
    deps.logger.error(parsed.reason, { messageId });
    await deps.ledger.deadLetter({
      at,
      reason: parsed.reason,
      code: 'invalid-followup',
      messageId,
      message: body,
    });
    return { kind: 'rejected', reason: parsed.reason };
  }
  const m = parsed.message;
  const now = deps.clock();
  const due = new Date(m.dueAt);
  // SQS delays at most 15 minutes: a longer `after` travels in hops.
  if (stillEarly(due, now)) {
    await deps.scheduler.schedule(m, delaySecondsUntil(due, now));
    return { kind: 'waiting', dueAt: m.dueAt };
  }
  const { episode, policy } = m.action;
  const known = await deps.store.action(episode);
  // A redelivery after the verdict was written: the quarantine check may not have run (it failed, or the
  // function timed out after the write). It is conditional, so running it again is safe.
  if (known?.verdict) return duplicate(known.verdict, m, deps);

  const finding = await check(m, known?.resolvedAt, deps, signal);
  const at = deps.clock().toISOString();
  const checkedAfter = secondsBetween(m.action.at, at);
  const secondsToRecovery =
    finding.verdict === 'recovered'
      ? known?.resolvedAt
        ? secondsBetween(m.action.at, known.resolvedAt)
        : checkedAfter
      : undefined;
  const record: AuditRecord = {
    ...carried(m.action),
    at,
    outcome: finding.verdict,
    code: finding.code,
    reason: finding.reason,
    details: {
      ...finding.details,
      actedAt: m.action.at,
      checkedAfterSeconds: checkedAfter,
      ...(secondsToRecovery !== undefined ? { secondsToRecovery } : {}),
    },
  };
  const notify = escalated(m.action.notify, finding.verdict, m.verify);
  if (notify) record.notify = notify;
  const recorded = await deps.store.recordVerdict({
    episode,
    policy,
    actedAt: m.action.at,
    target: targetRef(m.action.target),
    verdict: finding.verdict,
    at,
    ...(secondsToRecovery !== undefined ? { secondsToRecovery } : {}),
    audit: record,
  });
  if (recorded === 'duplicate') return duplicate(finding.verdict, m, deps);
  deps.metrics.count('Verification', { outcome: finding.verdict, policy });
  deps.logger.info(`${finding.verdict}: ${finding.reason}`, { decision: record });
  await notifySafely(deps, record);
  const quarantined = finding.verdict === 'not-recovered' ? await maybeQuarantine(m, deps) : false;
  return { kind: 'verified', verdict: finding.verdict, quarantined };
};

const duplicate = async (
  verdict: VerifyOutcome,
  m: FollowupMessage,
  deps: FollowupDeps,
): Promise<FollowupResult> => {
  if (verdict === 'not-recovered') await maybeQuarantine(m, deps);
  return { kind: 'duplicate' };
};

/** The action record's facts a verdict repeats (alert, target, plan, Slack group), without its outcome. */
const carried = (a: FollowupMessage['action']): Omit<AuditRecord, 'at' | 'outcome' | 'code' | 'reason'> => {
  const { at: _at, outcome: _o, code: _c, reason: _r, details: _d, messageId: _m, ...rest } = a;
  return rest;
};

const check = async (
  m: FollowupMessage,
  resolvedAt: string | undefined,
  deps: FollowupDeps,
  signal?: AbortSignal,
): Promise<Finding> => {
  const after = formatDuration(secondsBetween(m.action.at, deps.clock().toISOString()));
  const v = m.verify;
  switch (v.check) {
    case 'alertResolved':
      // Alertmanager's endsAt can predate the action (it resolved while remedy was acting): no credit for that.
      if (resolvedAt && resolvedAt < m.action.at)
        return inconclusive(
          'resolved-before-action',
          `the alert resolved at ${resolvedAt}, before remedy acted at ${m.action.at}`,
          { resolvedAt },
        );
      return resolvedAt
        ? {
            verdict: 'recovered',
            code: 'alert-resolved',
            reason: `the alert resolved ${secondsBetween(m.action.at, resolvedAt)}s after remedy acted`,
            details: { resolvedAt },
          }
        : {
            verdict: 'not-recovered',
            code: 'alert-still-firing',
            reason: `no resolve for the alert ${after} after remedy acted`,
            details: {},
          };
    case 'rolloutComplete':
      return rollout(m, after, deps, signal);
    case 'query':
      return query(m, v, after, deps, signal);
  }
};

const rollout = async (
  m: FollowupMessage,
  after: string,
  deps: FollowupDeps,
  signal?: AbortSignal,
): Promise<Finding> => {
  const { target, plan, details } = m.action;
  const kind =
    plan?.action === 'rollbackWorkload'
      ? plan.kind
      : ('Deployment' as 'Deployment' | 'StatefulSet' | 'DaemonSet');
  // The executor names the workload it found from a pod; a workload target names itself.
  const named = details?.[kind.toLowerCase()] ?? details?.deployment;
  const name = typeof named === 'string' ? named : target.kind === kind ? target.name : undefined;
  const subject = `${kind.toLowerCase()} ${target.namespace}/${name ?? '?'}`;
  if (!name)
    return inconclusive('rollout-unknown', `cannot tell which ${kind.toLowerCase()} remedy rolled out`, {});
  try {
    const cluster = await deps.clusters.connect(target);
    const object =
      kind === 'Deployment'
        ? await cluster.getDeployment(target.namespace, name, signal)
        : await cluster.getRevisionedWorkload(kind, target.namespace, name, signal);
    if (!object) return inconclusive('target-gone', `${subject} no longer exists`, {});
    const state = rolloutState(kind, object);
    if (state.state === 'complete')
      return {
        verdict: 'recovered',
        code: 'rollout-complete',
        reason: `${subject} ${state.reason}`,
        details: {},
      };
    return {
      verdict: 'not-recovered',
      code: state.state === 'failed' ? 'rollout-failed' : 'rollout-incomplete',
      reason: `${subject} not rolled out ${after} after remedy acted: ${state.reason}`,
      details: {},
    };
  } catch (error) {
    return inconclusive('cluster-error', `could not read ${subject}: ${(error as Error).message}`, {});
  }
};

const query = async (
  m: FollowupMessage,
  v: Extract<VerifySpec, { check: 'query' }>,
  after: string,
  deps: FollowupDeps,
  signal?: AbortSignal,
): Promise<Finding> => {
  if (!deps.prometheus)
    return inconclusive('no-prometheus', 'no Prometheus is configured for the query check', {
      query: v.query,
    });
  const labels = m.action.alert?.labels ?? {};
  const result = await runCheck(v, labels, m.action.target.cluster, deps.prometheus, signal);
  const verdict = queryVerdict(result.status, v.onEmpty);
  const value = result.value !== undefined ? { value: result.value } : {};
  const described =
    result.status === 'true'
      ? `${v.condition} holds ${after} after remedy acted`
      : result.status === 'false'
        ? `${v.condition} still does not hold ${after} after remedy acted`
        : result.status === 'empty'
          ? `the query returned no data ${after} after remedy acted`
          : 'the query failed';
  return {
    verdict,
    code: `query-${result.status}`,
    reason: `${described}: ${result.reason}`,
    details: { query: result.query, ...value },
  };
};

const inconclusive = (code: string, reason: string, details: Finding['details']): Finding => ({
  verdict: 'inconclusive',
  code,
  reason,
  details,
});

/**
 * The action's notify settings, sharpened for a verdict that did not recover: `ticket` opens (or comments on)
 * the episode's ticket whatever `ticket.when` says; `escalate` also mentions on-call in the thread.
 */
const escalated = (
  notify: NotifySettings | undefined,
  verdict: VerifyOutcome,
  v: VerifySpec,
): NotifySettings | undefined => {
  if (!notify || verdict !== 'not-recovered' || v.onNotRecovered === 'notify') return notify;
  const out: NotifySettings = { ...notify };
  if (notify.ticket)
    out.ticket = { ...notify.ticket, when: [...new Set([...notify.ticket.when, 'onNotRecovered' as const])] };
  const template = notify.slack?.template;
  if (v.onNotRecovered === 'escalate' && notify.slack && template)
    out.slack = {
      ...notify.slack,
      template: { ...template, mentionOn: [...new Set([...template.mentionOn, 'not-recovered' as const])] },
    };
  return out;
};

/**
 * K not-recovered verdicts within the window (counted since the last `breaker resume`) pause the policy: its
 * circuit breaker opens as "quarantined", a record says why, and its ticket is opened for humans.
 */
const maybeQuarantine = async (m: FollowupMessage, deps: FollowupDeps): Promise<boolean> => {
  const q = m.verify.quarantine;
  if (!q) return false;
  const { policy } = m.action;
  const now = deps.clock();
  // The window is measured on the verdicts: a verdict comes at least `after` past its action, so a window on
  // action times would shrink by `after` (and never fire when `within` <= `after`).
  const verifiedSince = new Date(now.getTime() - q.withinSeconds * 1000).toISOString();
  const earliestAction = new Date(
    now.getTime() - (q.withinSeconds + MAX_VERIFY_AFTER_SECONDS) * 1000,
  ).toISOString();
  const resumed = await deps.store.resumedAt(policy);
  const actedSince = resumed && resumed > earliestAction ? resumed : earliestAction;
  const count = await deps.store.countNotRecovered(policy, { verifiedSince, actedSince });
  if (count < q.notRecovered) return false;
  const reason = `quarantined: ${count} actions did not recover within ${formatDuration(q.withinSeconds)} (threshold ${q.notRecovered}); resume with \`remedy breaker resume ${policy}\``;
  if (!(await deps.store.quarantine(policy, reason, now))) return false;
  deps.metrics.count('PolicyQuarantined', { policy });
  const notify = m.action.notify;
  const record: AuditRecord = {
    ...carried(m.action),
    at: deps.clock().toISOString(),
    outcome: 'skipped',
    code: 'quarantined',
    reason: `policy ${policy} ${reason}`,
    details: { notRecovered: count, withinSeconds: q.withinSeconds },
    ...(notify
      ? {
          notify: {
            ...notify,
            ...(notify.ticket ? { ticket: { ...notify.ticket, when: ['always' as const] } } : {}),
          },
        }
      : {}),
  };
  await deps.ledger.audit(record);
  deps.logger.warn(record.reason, { decision: record });
  await notifySafely(deps, record);
  return true;
};

const notifySafely = async (deps: FollowupDeps, r: AuditRecord): Promise<void> => {
  try {
    await deps.notifier.notify(r);
  } catch (error) {
    deps.metrics.count('NotifyFailed');
    deps.logger.warn('notifier failed; the verdict stands and is audited', {
      error: (error as Error).message,
    });
  }
};
