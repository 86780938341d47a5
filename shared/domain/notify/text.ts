import { describePlan } from '../actions/plan.js';
import type { AuditRecord, Outcome } from '../audit.js';
import { targetRef } from '../target/target.js';
import { TEMPLATE_PLACEHOLDER } from './schema.js';

/** Slack's limits: header plain_text 150, section text 3,000, a field 2,000 (longer → invalid_blocks). */
export const SLACK_LIMITS = { header: 150, section: 3000, field: 2000, fallback: 300 } as const;

export const OUTCOME_ICON: Record<Outcome, string> = {
  acted: '✅',
  'would-act': '🧪',
  skipped: '⏭️',
  failed: '❌',
  resolved: '🟢',
  rejected: '🚫',
  recovered: '💚',
  'not-recovered': '🔁',
  inconclusive: '❔',
};

export const OUTCOME_LABEL: Record<Outcome, string> = {
  acted: 'ACTED',
  'would-act': 'WOULD ACT',
  skipped: 'SKIPPED',
  failed: 'FAILED',
  resolved: 'RESOLVED',
  rejected: 'REJECTED',
  recovered: 'RECOVERED',
  'not-recovered': 'NOT RECOVERED',
  inconclusive: 'INCONCLUSIVE',
};

/** Slack mrkdwn control characters (`&`, `<`, `>`) escaped, so alert text can never mention or link. */
export const escapeMrkdwn = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Cuts to `max` characters (code points kept whole), marking the cut with an ellipsis. */
export const truncate = (s: string, max: number): string => {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
};

/** `Pod demo/web-1 · cluster sandbox`, or a dash when remedy never got as far as a target. */
export const describeTarget = (r: AuditRecord): string =>
  r.target ? `${r.target.kind} ${r.target.namespace}/${r.target.name} · cluster ${r.target.cluster}` : '—';

/** The runbook an alert names (`runbook_url`, as kube-prometheus does, or `runbook`). */
export const runbookOf = (r: AuditRecord): string | undefined =>
  r.alert?.annotations.runbook_url || r.alert?.annotations.runbook || undefined;

/** The audit partition of a decision (`remedy` CLI, DynamoDB console); with `at`, the entry itself. */
export const auditRef = (r: AuditRecord, withTime = true): string =>
  `AUDIT#${r.target ? targetRef(r.target) : `alert/${r.alertname ?? 'unparsed'}`}${withTime ? ` @ ${r.at}` : ''}`;

export const planText = (r: AuditRecord): string | undefined => (r.plan ? describePlan(r.plan) : undefined);

/** Fills `{{alertname}}`, `{{labels.x}}`, `{{annotations.x}}`… from the record; unknown or absent → empty. */
export const fillTemplate = (template: string, r: AuditRecord): string =>
  template.replace(TEMPLATE_PLACEHOLDER, (_, name: string) => {
    const [head, key] = name.split('.', 2);
    if (head === 'labels' && key) return r.alert?.labels[key] ?? '';
    if (head === 'annotations' && key) return r.alert?.annotations[key] ?? '';
    const simple: Record<string, string | undefined> = {
      alertname: r.alertname,
      policy: r.policy,
      target: r.target ? targetRef(r.target) : undefined,
      cluster: r.target?.cluster,
      namespace: r.target?.namespace ?? r.alert?.labels.namespace,
      outcome: r.outcome,
      code: r.code,
      mode: r.mode,
    };
    return simple[name] ?? '';
  });
