import { z } from 'zod';
import { formatIssues } from '../errors.js';
import { findDuplicateKey } from './duplicate-keys.js';
import { type Alert, type Notification, notificationSchema } from './schema.js';

/**
 * An Alertmanager `webhook_configs` post (payload version 4): the notification remedy.tmpl renders for SNS, plus
 * the two fields only the webhook has, `groupKey` and `truncatedAlerts` (alerts left out by `max_alerts`).
 */
export const webhookSchema = notificationSchema.extend({
  groupKey: z.string().max(4096).optional(),
  truncatedAlerts: z.number().int().min(0).default(0),
});
export type WebhookPayload = z.infer<typeof webhookSchema>;

/** SNS's limit: message plus every attribute's name, type and value, 262,144 bytes. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;

export type WebhookParse = { ok: true; payload: WebhookPayload } | { ok: false; reason: string };

/** Parses and validates a webhook body, naming the exact field that broke (same rules as remediate). */
export const parseWebhook = (body: string): WebhookParse => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    return { ok: false, reason: `body: not JSON: ${(cause as Error).message}` };
  }
  const duplicate = findDuplicateKey(body);
  if (duplicate !== undefined)
    return {
      ok: false,
      reason: `body.${duplicate}: duplicate key (refusing to guess which value was meant)`,
    };
  const parsed = webhookSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: formatIssues(parsed.error.issues, 'body') };
  return { ok: true, payload: parsed.data };
};

/** One SNS Publish: what Alertmanager's sns_configs with remedy.tmpl would send for (part of) the group. */
export interface AlertsMessage {
  subject: string;
  /** The notification as JSON, the shape remediate parses. */
  body: string;
  /** alertname, severity, cluster, status (+ truncated=true when Alertmanager left alerts out). */
  attributes: Record<string, string>;
  alertCount: number;
}

/**
 * Message attributes exactly as infra/alertmanager/alertmanager.yml sets them from remedy.tmpl: the group's
 * common labels with the same non-empty defaults, so the subscriptions' filter policies route a webhook post
 * like an SNS one.
 */
export const alertAttributes = (
  n: Pick<Notification, 'commonLabels' | 'status'>,
): Record<string, string> => ({
  alertname: attributeText(n.commonLabels.alertname) || 'multiple',
  severity: attributeText(n.commonLabels.severity) || 'none',
  cluster: attributeText(n.commonLabels.cluster) || 'none',
  status: n.status,
});

/**
 * SNS refuses attribute values outside XML's characters (control characters, lone surrogates; the SDK cannot
 * even encode the latter): such a label would make every retry of the post fail. The body keeps the exact
 * value; the attribute, used only for routing, gets "?" in its place.
 */
const attributeText = (value: string | undefined): string | undefined =>
  value?.replace(/[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/gu, '?');

/** remedy.sns.subject: "[FIRING:2] Name", printable ASCII, at most 99 characters. */
export const alertSubject = (n: Pick<Notification, 'commonLabels' | 'status' | 'alerts'>): string => {
  const count = n.status === 'firing' ? `:${n.alerts.filter((a) => a.status === 'firing').length}` : '';
  const name = (n.commonLabels.alertname || 'multiple')
    .replace(/[^ -~]/gu, '?')
    .replace(/^(.{76}).+$/u, '$1...');
  return `[${n.status.toUpperCase()}${count}] ${name}`.replace(/[^ -~]/gu, '?').slice(0, 99);
};

export type Split = { ok: true; messages: AlertsMessage[] } | { ok: false; reason: string };

/**
 * The payload as SNS messages: one when it fits in 256 KiB, otherwise the alerts spread over as few messages as
 * fit, each a complete notification of the same group (groupKey, labels and annotations kept; status firing
 * while any of its alerts fires). Refused only when one alert alone is too big for a message.
 */
export const toAlertsMessages = (payload: WebhookPayload, limit = SNS_MAX_PUBLISH_BYTES): Split => {
  const whole = message(payload, payload.alerts);
  if (whole.size <= limit) return { ok: true, messages: [whole.message] };
  // Sizes add up: the envelope with no alerts (counted with the longer status, "resolved"), each alert's JSON,
  // and a comma between two. Linear, so a 6 MB post with thousands of alerts is split in one pass.
  const envelope = message(payload, [], 'resolved').size;
  const messages: AlertsMessage[] = [];
  let chunk: Alert[] = [];
  let size = envelope;
  for (const [i, alert] of payload.alerts.entries()) {
    const alertBytes = utf8Bytes(JSON.stringify(alert));
    if (envelope + alertBytes > limit)
      return {
        ok: false,
        reason: `body.alerts[${i}]: this alert alone makes a ${envelope + alertBytes}-byte SNS message, over SNS's ${limit}-byte limit (shorten its annotations)`,
      };
    const added = (chunk.length > 0 ? 1 : 0) + alertBytes;
    if (chunk.length > 0 && size + added > limit) {
      messages.push(message(payload, chunk).message);
      chunk = [];
      size = envelope;
    }
    size += (chunk.length > 0 ? 1 : 0) + alertBytes;
    chunk.push(alert);
  }
  if (chunk.length > 0) messages.push(message(payload, chunk).message);
  return { ok: true, messages };
};

const message = (
  payload: WebhookPayload,
  alerts: Alert[],
  forceStatus?: 'resolved',
): { message: AlertsMessage; size: number } => {
  const status = forceStatus ?? (alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved');
  // Field order as remedy.tmpl renders it; groupKey (and truncatedAlerts) after, as remediate ignores both.
  const notification = {
    version: payload.version ?? '4',
    receiver: payload.receiver,
    status,
    alerts,
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    externalURL: payload.externalURL,
    ...(payload.groupKey === undefined ? {} : { groupKey: payload.groupKey }),
    ...(payload.truncatedAlerts > 0 ? { truncatedAlerts: payload.truncatedAlerts } : {}),
  } as const;
  const attributes = alertAttributes({ commonLabels: payload.commonLabels, status });
  // Alertmanager left alerts out (max_alerts): remediate refuses a partial group, as it does for an SNS
  // message Alertmanager cut, so it is audited and dead-lettered rather than acted on.
  if (payload.truncatedAlerts > 0) attributes.truncated = 'true';
  const body = JSON.stringify(notification);
  const built: AlertsMessage = {
    subject: alertSubject({ commonLabels: payload.commonLabels, status, alerts }),
    body,
    attributes,
    alertCount: alerts.length,
  };
  return { message: built, size: publishBytes(body, attributes) };
};

/** Bytes SNS counts: the message, and each attribute's name, data type ("String") and value. */
export const publishBytes = (body: string, attributes: Record<string, string>): number =>
  Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes('String') + utf8Bytes(value),
    utf8Bytes(body),
  );

const encoder = new TextEncoder();
const utf8Bytes = (s: string): number => encoder.encode(s).length;
