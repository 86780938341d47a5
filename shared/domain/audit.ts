import type { Plan } from './actions/plan.js';
import type { NotifySettings } from './notify/schema.js';
import type { Target } from './target/target.js';

/** What the followup found after an action (policy `verify`): one per action, written by the followup. */
export const VERIFY_OUTCOMES = ['recovered', 'not-recovered', 'inconclusive'] as const;
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];

/** What happened to one alert (or one message), acted on or not. Every decision produces exactly one. */
export const OUTCOMES = [
  'acted',
  'would-act',
  'skipped',
  'failed',
  'resolved',
  'rejected',
  ...VERIFY_OUTCOMES,
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AuditRecord {
  /** When remedy decided, ISO 8601. */
  at: string;
  outcome: Outcome;
  /** Stable code: a SkipCode, an ErrorCode, or the action name for acted/would-act. */
  code: string;
  /** One human sentence: why remedy did or did not act. */
  reason: string;
  alertname?: string;
  fingerprint?: string;
  startsAt?: string;
  episode?: string;
  policy?: string;
  target?: Target;
  plan?: Plan;
  /** The global mode the decision was made in; notifications say so loudly when it is dry-run. */
  mode?: 'dry-run' | 'enforce';
  /** The Alertmanager alert group (see groupKey): one Slack thread, one place to look. */
  group?: string;
  /** SNS MessageId that carried the alert, for tracing a decision back to its delivery. */
  messageId?: string;
  /** What the alert said: labels, annotations (runbook_url, summary) and its Prometheus link. */
  alert?: AlertSnapshot;
  /** The deciding policy's `notify` settings (channel, template, ticket, Grafana), for the notifier. */
  notify?: NotifySettings;
  /** The team that owns the deciding policy (its `owner`), so the audit can be read per team. */
  owner?: string;
  /** Extra facts (pod uid, response status, seconds firing…). */
  details?: Record<string, string | number | boolean>;
}

export interface AlertSnapshot {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}
