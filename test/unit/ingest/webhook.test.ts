import { describe, expect, it } from 'vitest';
import { parseNotification } from '#domain/alert/parse.js';
import {
  alertAttributes,
  alertSubject,
  parseWebhook,
  publishBytes,
  SNS_MAX_PUBLISH_BYTES,
  toAlertsMessages,
  type WebhookPayload,
} from '#domain/alert/webhook.js';
import { webhookBody } from './webhook-fixture.js';

const payloadOf = (body: Record<string, unknown>): WebhookPayload => {
  const parsed = parseWebhook(JSON.stringify(body));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.payload;
};

describe('parseWebhook', () => {
  it('accepts an Alertmanager webhook post and keeps groupKey', () => {
    const parsed = parseWebhook(JSON.stringify(webhookBody()));
    expect(parsed).toMatchObject({ ok: true, payload: { groupKey: expect.stringContaining('alertname') } });
  });

  it('names the exact field that is wrong', () => {
    const body = webhookBody();
    (body.alerts as Array<Record<string, unknown>>)[0]!.fingerprint = 'NOT-HEX';
    expect(parseWebhook(JSON.stringify(body))).toEqual({
      ok: false,
      reason: 'body.alerts[0].fingerprint: fingerprint must be lowercase hex',
    });
  });

  it('refuses text that is not JSON, and duplicate keys', () => {
    expect(parseWebhook('alert!')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^body: not JSON/),
    });
    expect(parseWebhook('{"status":"resolved","status":"firing"}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^body\.[\w.[\]]*status: duplicate key \(refusing to guess/),
    });
  });
});

describe('attributes and subject, as remedy.tmpl and alertmanager.yml set them', () => {
  it('uses the common labels with the same defaults', () => {
    expect(
      alertAttributes({
        commonLabels: { alertname: 'A', severity: 'critical', cluster: 'prod' },
        status: 'firing',
      }),
    ).toEqual({
      alertname: 'A',
      severity: 'critical',
      cluster: 'prod',
      status: 'firing',
    });
    expect(alertAttributes({ commonLabels: {}, status: 'resolved' })).toEqual({
      alertname: 'multiple',
      severity: 'none',
      cluster: 'none',
      status: 'resolved',
    });
  });

  it('counts firing alerts, says RESOLVED without a count, and keeps the subject printable and under 100', () => {
    const alerts = payloadOf(webhookBody({}, 3)).alerts;
    expect(alertSubject({ commonLabels: { alertname: 'Disk' }, status: 'firing', alerts })).toBe(
      '[FIRING:3] Disk',
    );
    expect(alertSubject({ commonLabels: {}, status: 'resolved', alerts })).toBe('[RESOLVED] multiple');
    const long = alertSubject({
      commonLabels: { alertname: `Ünïcode${'x'.repeat(200)}` },
      status: 'firing',
      alerts,
    });
    expect(long).toMatch(/^\[FIRING:3\] \?n\?codex+\.\.\.$/);
    expect(long.length).toBeLessThan(100);
  });
});

describe('toAlertsMessages', () => {
  it('makes one message with the notification remediate parses when it fits', () => {
    const result = toAlertsMessages(payloadOf(webhookBody({}, 2)));
    if (!result.ok) throw new Error(result.reason);
    expect(result.messages).toHaveLength(1);
    const [message] = result.messages;
    const parsed = parseNotification(message!.body);
    expect(parsed).toMatchObject({ ok: true, notification: { receiver: 'remedy', status: 'firing' } });
    expect(JSON.parse(message!.body).groupKey).toContain('KubePodCrashLooping');
    expect(message).toMatchObject({
      subject: '[FIRING:2] KubePodCrashLooping',
      attributes: {
        alertname: 'KubePodCrashLooping',
        severity: 'warning',
        cluster: 'none',
        status: 'firing',
      },
      alertCount: 2,
    });
  });

  it('splits a notification over 256 KiB by alerts, each message complete, under the limit, keeping groupKey', () => {
    // Prepare: 40 alerts of about 10 KiB each (~400 KiB in all).
    const body = webhookBody({}, 40);
    for (const alert of body.alerts as Array<{ annotations: Record<string, string>; status: string }>)
      alert.annotations.description = 'd'.repeat(10_000);
    (body.alerts as Array<{ status: string }>)[39]!.status = 'resolved';
    const payload = payloadOf(body);
    // Act
    const result = toAlertsMessages(payload);
    // Assess
    if (!result.ok) throw new Error(result.reason);
    expect(result.messages.length).toBe(2);
    const fingerprints: string[] = [];
    for (const message of result.messages) {
      expect(publishBytes(message.body, message.attributes)).toBeLessThanOrEqual(SNS_MAX_PUBLISH_BYTES);
      const parsed = parseNotification(message.body);
      if (!parsed.ok) throw parsed.error;
      fingerprints.push(...parsed.notification.alerts.map((a) => a.fingerprint));
      expect(JSON.parse(message.body).groupKey).toBe(payload.groupKey);
      expect(message.subject).toBe(
        `[FIRING:${parsed.notification.alerts.filter((a) => a.status === 'firing').length}] KubePodCrashLooping`,
      );
    }
    // Every alert exactly once, in order.
    expect(fingerprints).toEqual(payload.alerts.map((a) => a.fingerprint));
  });

  it('fills each message as far as the limit allows (a smaller limit, exact arithmetic)', () => {
    const payload = payloadOf(webhookBody({}, 10));
    const one = toAlertsMessages({ ...payload, alerts: payload.alerts.slice(0, 3) });
    if (!one.ok) throw new Error(one.reason);
    const threeAlerts = publishBytes(one.messages[0]!.body, one.messages[0]!.attributes);
    // Room for exactly three alerts per message (plus the 4 bytes the estimate keeps for "resolved" in body and attribute).
    const result = toAlertsMessages(payload, threeAlerts + 4);
    if (!result.ok) throw new Error(result.reason);
    expect(result.messages.map((m) => m.alertCount)).toEqual([3, 3, 3, 1]);
  });

  it('refuses only when one alert alone is too big for SNS, naming it', () => {
    const body = webhookBody({}, 2);
    (body.alerts as Array<{ annotations: Record<string, string> }>)[1]!.annotations.description = 'd'.repeat(
      300_000,
    );
    const result = toAlertsMessages(payloadOf(body));
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^body\.alerts\[1\]: this alert alone makes a \d+-byte SNS message/),
    });
  });

  it('marks a group Alertmanager cut (truncatedAlerts) so remediate refuses it as partial', () => {
    const result = toAlertsMessages(payloadOf(webhookBody({ truncatedAlerts: 3 })));
    if (!result.ok) throw new Error(result.reason);
    const [message] = result.messages;
    expect(message?.attributes.truncated).toBe('true');
    const parsed = parseNotification(
      message!.body,
      Object.fromEntries(
        Object.entries(message!.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]),
      ),
    );
    expect(parsed).toMatchObject({ ok: false, error: { code: 'TRUNCATED_MESSAGE' } });
  });
});
