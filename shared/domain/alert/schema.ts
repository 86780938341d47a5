import { z } from 'zod';

/** Label names as Prometheus allows them (Alertmanager 0.25 still enforces the classic charset). */
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label name must match [a-zA-Z_][a-zA-Z0-9_]*');
const labelSet = z.record(labelName, z.string());
/** Annotations are free text keyed by any string. */
const annotationSet = z.record(z.string(), z.string());
/** Far above any real alert name; keeps keys built from it (POLICY#<alertname>) inside DynamoDB's limits. */
export const MAX_ALERTNAME_LENGTH = 200;
const timestamp = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet
    .refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, {
      message: 'alertname label is required',
    })
    .refine((l) => (l.alertname ?? '').length <= MAX_ALERTNAME_LENGTH, {
      message: `alertname is longer than ${MAX_ALERTNAME_LENGTH} characters`,
      path: ['alertname'],
    }),
  annotations: annotationSet.default({}),
  startsAt: timestamp,
  // Alertmanager zeroes endsAt for alerts that are still firing (0001-01-01T00:00:00Z): not RFC 3339-valid
  // everywhere, and never used to tell firing from resolved, so it is only kept as text.
  endsAt: z.string().optional(),
  generatorURL: z.string().default(''),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'fingerprint must be lowercase hex'),
});

/** The notification as remedy.tmpl renders it: the Alertmanager webhook v4 field set (no groupKey). */
export const notificationSchema = z.object({
  version: z.string().optional(),
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(alertSchema).min(1, 'a notification carries at least one alert'),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: annotationSet.default({}),
  externalURL: z.string().default(''),
});

export type Alert = z.infer<typeof alertSchema>;
export type Notification = z.infer<typeof notificationSchema>;
