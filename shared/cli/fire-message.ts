// The SNS message `remedy fire` publishes: what Alertmanager sends through infra/alertmanager/remedy.tmpl and
// the sns_configs of infra/alertmanager/alertmanager.yml (subject, JSON body, message attributes), for one alert.
import { type Alert, type Notification, notificationSchema } from '#domain/alert/schema.js';
import { formatIssues } from '#domain/errors.js';

/** Alertmanager's "still firing" endsAt, as remedy.tmpl renders the zero time. */
export const ZERO_TIME = '0001-01-01T00:00:00.000Z';
/** The example config's `group_by`: the labels a notification's groupLabels carry. */
export const GROUP_BY = ['alertname', 'cluster', 'namespace'] as const;

export interface FireSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: 'firing' | 'resolved';
  readonly startsAt: Date;
  /** When a resolved alert ended. */
  readonly endsAt?: Date;
  readonly receiver: string;
  readonly generatorURL: string;
}

export interface SnsMessageToSend {
  readonly subject: string;
  readonly message: string;
  /** Every value a non-empty String: SNS refuses an empty one. */
  readonly attributes: Readonly<Record<'alertname' | 'severity' | 'cluster' | 'status', string>>;
  readonly notification: Notification;
}

/**
 * Alertmanager's alert fingerprint (Prometheus `LabelSet.Fingerprint`): FNV-1a 64 over the sorted label names
 * and values, each followed by the 0xff separator byte, printed as 16 hex digits. The same labels fired by
 * remedy and by Alertmanager are the same alert, so the same episode.
 */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  const prime = 1099511628211n;
  const mask = 0xffffffffffffffffn;
  let hash = 14695981039346656037n;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * prime) & mask;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    for (const byte of encoder.encode(name)) add(byte);
    add(0xff);
    for (const byte of encoder.encode(labels[name] ?? '')) add(byte);
    add(0xff);
  }
  return hash.toString(16).padStart(16, '0');
}

/** The subject remedy.tmpl renders: `[FIRING:1] Name`, printable ASCII only, under SNS's 100 characters. */
export function subjectFor(status: 'firing' | 'resolved', alertname: string): string {
  const name = alertname.replace(/[^ -~]/g, '?').replace(/^(.{76}).+$/, '$1...');
  return `[${status.toUpperCase()}${status === 'firing' ? ':1' : ''}] ${name}`.slice(0, 99);
}

const iso = (d: Date) => d.toISOString();

/** Builds and validates the message exactly as the function will parse it; a problem names the field. */
export function buildFireMessage(
  spec: FireSpec,
): { ok: true; value: SnsMessageToSend } | { ok: false; problem: string } {
  // Alertmanager's SortedPairs order (alertname first, then by name), as remedy.tmpl writes the objects.
  const labels = sortedPairs(spec.labels);
  const alert: Alert = {
    status: spec.status,
    labels,
    annotations: sortedPairs(spec.annotations),
    startsAt: iso(spec.startsAt),
    endsAt: spec.status === 'resolved' ? iso(spec.endsAt ?? spec.startsAt) : ZERO_TIME,
    generatorURL: spec.generatorURL,
    fingerprint: alertFingerprint(labels),
  };
  const groupLabels = Object.fromEntries(
    GROUP_BY.flatMap((name) => (labels[name] === undefined ? [] : [[name, labels[name]]])),
  );
  const candidate = {
    version: '4',
    receiver: spec.receiver,
    status: spec.status,
    alerts: [alert],
    groupLabels,
    commonLabels: labels,
    commonAnnotations: sortedPairs(spec.annotations),
    externalURL: '',
  };
  const parsed = notificationSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, problem: formatIssues(parsed.error.issues, 'alert') };
  const alertname = labels.alertname ?? 'multiple';
  return {
    ok: true,
    value: {
      subject: subjectFor(spec.status, alertname),
      message: JSON.stringify(candidate),
      attributes: {
        alertname: alertname || 'multiple',
        severity: labels.severity || 'none',
        cluster: labels.cluster || 'none',
        status: spec.status,
      },
      notification: parsed.data,
    },
  };
}

function sortedPairs(pairs: Readonly<Record<string, string>>): Record<string, string> {
  const names = Object.keys(pairs).sort((a, b) =>
    a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(names.map((n) => [n, pairs[n] ?? '']));
}
