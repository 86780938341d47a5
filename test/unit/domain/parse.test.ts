import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseNotification } from '#domain/alert/parse.js';
import { getFixture } from '../../support/fixtures.js';

const sns = (name: string) => {
  const event = getFixture<SNSEvent>('sns', name);
  const record = event.Records[0];
  if (!record) throw new Error(`fixture ${name} has no record`);
  return record.Sns;
};

describe('parseNotification', () => {
  it('parses a real Alertmanager 0.25 JSON notification into alerts', () => {
    // Prepare
    const { Message, MessageAttributes } = sns('alertmanager-firing');
    // Act
    const result = parseNotification(Message, MessageAttributes);
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.notification.status).toBe('firing');
    expect(result.notification.alerts.map((a) => a.labels.pod)).toEqual([
      'web-7d9c6b5f4-abcde',
      'web-7d9c6b5f4-fghij',
    ]);
    expect(result.notification.alerts[0]?.fingerprint).toBe('4add8f32f87fc677');
    expect(result.notification.commonAnnotations.description).toBe('Restarts > 5 in 10m "quoted" & <tag>');
  });

  it("refuses Alertmanager's default text message and says what to configure", () => {
    const { Message, MessageAttributes } = sns('alertmanager-default-text');
    const result = parseNotification(Message, MessageAttributes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MALFORMED_MESSAGE');
    expect(result.error.message).toMatch(/not JSON: is Alertmanager using the remedy\.sns\.message template/);
  });

  it('refuses a truncated message even before trying to parse it', () => {
    const { Message, MessageAttributes } = sns('truncated');
    const result = parseNotification(Message, MessageAttributes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('TRUNCATED_MESSAGE');
    expect(result.error.message).toMatch(/truncated=true/);
  });

  it('refuses JSON cut off without the truncated attribute as invalid JSON', () => {
    const { Message } = sns('alertmanager-firing');
    const result = parseNotification(Message.slice(0, 300), {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/invalid JSON \(cut off or badly escaped\?\)/);
  });

  it('refuses a message AMP marked as modified', () => {
    const { Message } = sns('alertmanager-firing');
    const result = parseNotification(Message, {
      modified: { Type: 'String', Value: 'Subject: Error - truncated' },
    });
    expect(result.ok).toBe(false);
  });

  it.each([
    [
      'alerts',
      (m: Record<string, unknown>) => (m.alerts = []),
      'Message.alerts: a notification carries at least one alert',
    ],
    ['status', (m: Record<string, unknown>) => (m.status = 'pending'), 'Message.status'],
    [
      'fingerprint',
      (m: { alerts: Array<Record<string, unknown>> }) => {
        (m.alerts[1] as Record<string, unknown>).fingerprint = 42;
      },
      'Message.alerts[1].fingerprint',
    ],
    [
      'labels.alertname',
      (m: { alerts: Array<{ labels: Record<string, unknown> }> }) => {
        delete m.alerts[0]?.labels.alertname;
      },
      'Message.alerts[0].labels: alertname label is required',
    ],
    [
      'startsAt',
      (m: { alerts: Array<Record<string, unknown>> }) => {
        (m.alerts[0] as Record<string, unknown>).startsAt = 'yesterday';
      },
      'Message.alerts[0].startsAt: must be an RFC 3339 timestamp',
    ],
  ])('names the exact field when %s is wrong', (_field, mutate, expected) => {
    const message = JSON.parse(sns('alertmanager-firing').Message);
    (mutate as (m: unknown) => void)(message);
    const result = parseNotification(JSON.stringify(message), {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(expected);
  });
});
