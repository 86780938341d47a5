// `remedy replay`: past alerts from the audit run through the current policies with the function's own pure
// decide(), to see what a policy change would have done. Read-only: no claims, no guardrail state, no cluster.
import { alertSchema } from '#domain/alert/schema.js';
import type { AuditRecord } from '#domain/audit.js';
import { decide, type Mode } from '#domain/decide.js';
import type { Policy } from '#domain/policy/schema.js';
import { targetRef } from '#domain/target/target.js';

/** A decision reduced to what a policy change can alter: which policy, which action, on what; or why not. */
export type DecisionSummary =
  | { kind: 'act'; policy: string; action: string; target: string; dryRun?: boolean }
  | { kind: 'skip'; code: string; policy?: string }
  | { kind: 'resolved' };

export interface ReplayedAlert {
  at: string;
  alertname: string;
  episode?: string;
  /** What was recorded then (outcome and code as audited). */
  recorded: { outcome: AuditRecord['outcome']; code: string; decision: DecisionSummary };
  now: DecisionSummary;
  /** The policy-level decision differs (guardrails and cluster state are not replayed). */
  changed: boolean;
}

export interface ReplayContext {
  mode: Mode;
  protectedNamespaces: readonly string[];
}

/** Skip codes decide() itself produces: everything else was a guardrail or the cluster, after a policy chose to act. */
const DECISION_SKIPS = new Set([
  'no-policy',
  'invalid-target',
  'namespace-protected',
  'namespace-denied',
  'namespace-not-allowed',
]);

export type ReplayResult = { ok: true; alert: ReplayedAlert } | { ok: false; why: string };

/** Replays one audit record; records that carry no alert (rejected messages, storm summaries) are not replayable. */
export const replayRecord = (
  record: AuditRecord,
  policies: readonly Policy[],
  ctx: ReplayContext,
): ReplayResult => {
  if (record.outcome === 'rejected') return { ok: false, why: 'rejected message: no alert to replay' };
  if (record.code === 'circuit-opened') return { ok: false, why: 'a circuit-breaker event, not a decision' };
  if (record.alert === undefined || record.startsAt === undefined || record.fingerprint === undefined)
    return { ok: false, why: 'the record carries no alert (a summary)' };
  const parsed = alertSchema.safeParse({
    status: record.outcome === 'resolved' ? 'resolved' : 'firing',
    labels: record.alert.labels,
    annotations: record.alert.annotations,
    startsAt: record.startsAt,
    generatorURL: record.alert.generatorURL,
    fingerprint: record.fingerprint,
  });
  if (!parsed.success)
    return { ok: false, why: `the recorded alert is not valid: ${parsed.error.issues[0]?.message}` };
  const alert = parsed.data;
  const then = thenDecision(record);
  let now: DecisionSummary;
  if (alert.status === 'resolved') now = { kind: 'resolved' };
  else {
    const decision = decide(alert, policies, ctx);
    now =
      decision.kind === 'act'
        ? {
            kind: 'act',
            policy: decision.policy.name,
            action: decision.plan.action,
            target: targetRef(decision.plan.target),
            dryRun: decision.dryRun,
          }
        : { kind: 'skip', code: decision.code, ...(decision.policy ? { policy: decision.policy.name } : {}) };
  }
  return {
    ok: true,
    alert: {
      at: record.at,
      alertname: alert.labels.alertname ?? '',
      ...(record.episode === undefined ? {} : { episode: record.episode }),
      recorded: { outcome: record.outcome, code: record.code, decision: then },
      now,
      changed: !sameDecision(then, now),
    },
  };
};

/** The decision behind a record: a plan means the policy chose to act, whatever a guardrail or the cluster said. */
export const thenDecision = (record: AuditRecord): DecisionSummary => {
  if (record.outcome === 'resolved') return { kind: 'resolved' };
  if (record.plan !== undefined && record.policy !== undefined) {
    return {
      kind: 'act',
      policy: record.policy,
      action: record.plan.action,
      target: targetRef(record.plan.target),
      ...(record.outcome === 'would-act'
        ? { dryRun: true }
        : record.outcome === 'acted'
          ? { dryRun: false }
          : {}),
    };
  }
  return {
    kind: 'skip',
    code: record.code,
    ...(record.policy === undefined ? {} : { policy: record.policy }),
  };
};

const sameDecision = (a: DecisionSummary, b: DecisionSummary): boolean => {
  if (a.kind === 'act' && b.kind === 'act')
    return a.policy === b.policy && a.action === b.action && a.target === b.target;
  if (a.kind === 'skip' && b.kind === 'skip') return a.code === b.code || !DECISION_SKIPS.has(a.code);
  return a.kind === b.kind;
};

/** `act deletePod (restart-crashlooping-pod)`, `skip no-policy`, `resolved`. */
export const describeDecision = (d: DecisionSummary): string =>
  d.kind === 'act'
    ? `act ${d.action}${d.dryRun ? ' (dry-run)' : ''} (${d.policy})`
    : d.kind === 'skip'
      ? `skip ${d.code}${d.policy ? ` (${d.policy})` : ''}`
      : 'resolved';

export interface ReplaySummary {
  records: number;
  replayed: number;
  notReplayable: number;
  unchanged: number;
  changed: number;
  /** `then → now` (policy-level) with how many alerts made that move, most frequent first. */
  changes: Array<{ from: string; to: string; alerts: number }>;
}

/** Accumulates replayed records into the summary printed at the end; counts only, so a long scan stays small. */
export class ReplayTally {
  private records = 0;
  private replayed = 0;
  private changed = 0;
  private readonly moves = new Map<string, { from: string; to: string; alerts: number }>();

  add(result: ReplayResult): void {
    this.records++;
    if (!result.ok) return;
    this.replayed++;
    if (!result.alert.changed) return;
    this.changed++;
    const from = describeDecision(result.alert.recorded.decision);
    const to = describeDecision(result.alert.now);
    const move = this.moves.get(`${from}\n${to}`) ?? { from, to, alerts: 0 };
    move.alerts++;
    this.moves.set(`${from}\n${to}`, move);
  }

  summary(): ReplaySummary {
    return {
      records: this.records,
      replayed: this.replayed,
      notReplayable: this.records - this.replayed,
      unchanged: this.replayed - this.changed,
      changed: this.changed,
      changes: [...this.moves.values()].sort((a, b) => b.alerts - a.alerts),
    };
  }
}
