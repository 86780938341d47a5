// Real Alertmanager (Debian's) with infra/alertmanager's config and remedy.tmpl → our local SNS endpoint
// (SigV4 verified, validated like SNS) → the Lambda SNS event a subscribed function would get.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNotification } from '#domain/alert/parse.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { signRequest } from '../../../infra/local/aws/sigv4-canonical.js';
import { readSnsWiring } from '../../../infra/local/serverless-wiring.js';
import type { SnsLambdaEvent, SnsLambdaMessage } from '../../../infra/local/sns/lambda-event.js';
import { type SnsEndpoint, startSnsEndpoint } from '../../../infra/local/sns/sns-endpoint.js';
import {
  type PostableAlert,
  type RunningAlertmanager,
  startAlertmanager,
} from '../../support/alertmanager.js';

/** Notifications arrive about group_wait (1 s) after posting; allow for a loaded machine. */
const ARRIVAL_TIMEOUT_MS = 20_000;
/** Regexp metacharacters: Alertmanager hands templates a QuoteMeta'd receiver name that remedy.tmpl undoes. */
const RECEIVER = 'remedy.sns+team';

let sns: SnsEndpoint;
let alertmanager: RunningAlertmanager;
let topicArn: string;
const received: SnsLambdaMessage[] = [];
const routed: SnsLambdaMessage[] = [];

beforeAll(async () => {
  const [remediate] = await readSnsWiring(fileURLToPath(new URL('../../../serverless.yml', import.meta.url)));
  if (!remediate) throw new Error('serverless.yml has no SNS-triggered function');
  sns = await startSnsEndpoint({ topics: [remediate.topicName] });
  topicArn = sns.topicArn(remediate.topicName);
  const capture = (into: SnsLambdaMessage[]) => (event: SnsLambdaEvent) => {
    for (const record of event.Records) into.push(record.Sns);
  };
  // Everything published, and what serverless.yml's filter policy lets through to the remediate function.
  sns.subscribe({ topicArn, deliver: capture(received) });
  sns.subscribe({
    topicArn,
    filterPolicyScope: remediate.filterPolicyScope,
    ...(remediate.filterPolicy ? { filterPolicy: remediate.filterPolicy } : {}),
    deliver: capture(routed),
  });
  alertmanager = await startAlertmanager({ snsUrl: sns.url, topicArn, receiverName: RECEIVER });
});

afterAll(async () => {
  await alertmanager?.stop();
  await sns?.close();
});

async function notificationFor(
  alertname: string,
  status: 'firing' | 'resolved' = 'firing',
): Promise<SnsLambdaMessage> {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const found = received.find(
      (m) =>
        m.MessageAttributes.alertname?.Value === alertname && m.MessageAttributes.status?.Value === status,
    );
    if (found) {
      await sns.idle();
      return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `no ${status} notification for ${alertname} within ${ARRIVAL_TIMEOUT_MS} ms; refused requests: ${JSON.stringify(sns.rejected)}\n${alertmanager.logs()}`,
  );
}

function decode(
  message: SnsLambdaMessage,
): Record<string, unknown> & { alerts: Array<Record<string, unknown>> } {
  expect(message.Message).not.toMatch(/[\n\r]/);
  return JSON.parse(message.Message);
}

// Label and annotation values that break naive templates; each must come back byte for byte.
const NASTY: Record<string, string> = {
  quotes: 'say "hi" \\ C:\\path\\ \\\\server \\"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: "${1}" is a Go regexp replacement reference, meant literally.
  escape_lookalikes: '\\x01 \\u00e9 \\U0001F600 \\a \\v \\n $1 ${1} %q',
  whitespace: 'line1\nline2\r\n\tindented\f\b',
  c0_controls: `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\x7f`,
  // A rune beyond U+FFFF that Go does not print sends a string down remedy.tmpl's slow path: cover it there too.
  c0_controls_slow_path: `\u{E0001}${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\x7f`,
  c1_controls: '\u0080\u0085\u009f',
  accents: 'é Ünïcödé — “curly” ‘quotes’',
  cjk: '日本語のテキスト',
  emoji: '😀 👩‍👩‍👧 🏳️‍🌈 🫠 🫨',
  england_flag_tags: '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}',
  non_printable: '\u00ad\u200b\u2028\u2029\ufeff\uffff \u{E0001} \u{F0000}\u{10FFFD}',
  mixed_paths: '\u{E0001}\x07\\\x01"\n',
  html: '</script><script>alert(1)</script> & <b>',
  json_lookalike: '{"a":[1,2],"b":null}',
  long: `${'x'.repeat(5000)}${'é'.repeat(1000)}`,
};

describe('remedy.tmpl through a real Alertmanager and the local SNS endpoint', () => {
  it('renders a firing notification as one line of JSON with the webhook v4 fields', async () => {
    // Prepare
    const startsAt = new Date(Date.now() - 1500).toISOString();
    const alert: PostableAlert = {
      labels: {
        alertname: 'TmplFields',
        cluster: 'prod',
        namespace: 'shop',
        pod: 'web-1',
        severity: 'critical',
      },
      annotations: { summary: 'Pod web-1 is crash looping' },
      startsAt,
      generatorURL: 'http://prometheus.local/graph?g0.expr=up%3D%3D0&g0.tab=1',
    };
    // Act
    await alertmanager.postAlerts([alert]);
    const message = await notificationFor('TmplFields');
    // Assess
    const body = decode(message);
    expect(Object.keys(body)).toEqual([
      'version',
      'receiver',
      'status',
      'alerts',
      'groupLabels',
      'commonLabels',
      'commonAnnotations',
      'externalURL',
    ]);
    expect(body).toMatchObject({
      version: '4',
      receiver: RECEIVER,
      status: 'firing',
      groupLabels: { alertname: 'TmplFields', cluster: 'prod', namespace: 'shop' },
      commonLabels: alert.labels,
      commonAnnotations: alert.annotations,
      externalURL: alertmanager.url,
    });
    expect(body.alerts).toHaveLength(1);
    expect(Object.keys(body.alerts[0] ?? {})).toEqual([
      'status',
      'labels',
      'annotations',
      'startsAt',
      'endsAt',
      'generatorURL',
      'fingerprint',
    ]);
    expect(body.alerts[0]).toMatchObject({
      status: 'firing',
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt,
      endsAt: '0001-01-01T00:00:00.000Z',
      generatorURL: alert.generatorURL,
    });
    expect(body.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(message.Subject).toBe('[FIRING:1] TmplFields');
    expect(parseNotification(message.Message, message.MessageAttributes).ok).toBe(true);
    expect(sns.rejected).toEqual([]);
  });

  it('keeps every label and annotation value exactly: quotes, backslashes, controls, non-ASCII, non-printable', async () => {
    await alertmanager.postAlerts([{ labels: { alertname: 'TmplNasty', ...NASTY }, annotations: NASTY }]);
    const message = await notificationFor('TmplNasty');
    const body = decode(message);
    const [alert] = body.alerts;
    expect(alert?.labels).toEqual({ alertname: 'TmplNasty', ...NASTY });
    expect(alert?.annotations).toEqual(NASTY);
    expect(body.commonAnnotations).toEqual(NASTY);
    expect(sns.rejected).toEqual([]);
  });

  it('keeps the subject printable ASCII under 100 characters for a 200-character non-ASCII alertname', async () => {
    // Prepare
    const alertname = `Ünïcode\n"${'A'.repeat(190)}"`;
    // Act
    await alertmanager.postAlerts([{ labels: { alertname, severity: 'warning' } }]);
    const message = await notificationFor(alertname);
    // Assess
    expect(message.Subject?.length).toBeLessThan(100);
    expect(message.Subject).toMatch(/^\[FIRING:1\] [ -~]+\.\.\.$/);
    expect(message.Subject).toMatch(/^\[FIRING:1\] \?n\?code\?"AAAA/);
    expect(JSON.parse(message.Message).commonLabels.alertname).toBe(alertname);
    expect(sns.rejected).toEqual([]);
  });

  it('sends non-empty alertname, severity, cluster and status attributes even when labels are missing', async () => {
    // Act
    await alertmanager.postAlerts([
      { labels: { alertname: 'TmplBare' } },
      { labels: { alertname: 'TmplInfo', severity: 'info' } },
    ]);
    const bare = await notificationFor('TmplBare');
    const info = await notificationFor('TmplInfo');
    // Assess
    expect(bare.MessageAttributes).toEqual({
      alertname: { Type: 'String', Value: 'TmplBare' },
      severity: { Type: 'String', Value: 'none' },
      cluster: { Type: 'String', Value: 'none' },
      status: { Type: 'String', Value: 'firing' },
    });
    // serverless.yml's filter policy passes severity "none" and keeps "info" from the remediate function.
    expect(routed.map((m) => m.MessageId)).toContain(bare.MessageId);
    expect(routed.map((m) => m.MessageId)).not.toContain(info.MessageId);
    expect(sns.filteredOut.find((f) => f.messageId === info.MessageId)?.reason).toMatch(/^severity: "info"/);
    expect(sns.rejected).toEqual([]);
  });

  it('sends the resolved notification too (send_resolved), with status resolved and endsAt', async () => {
    // Prepare
    const labels = { alertname: 'TmplResolve', namespace: 'shop', severity: 'critical' };
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await alertmanager.postAlerts([{ labels, startsAt }]);
    await notificationFor('TmplResolve', 'firing');
    const endsAt = new Date(Date.now() - 1000).toISOString();
    // Act
    await alertmanager.postAlerts([{ labels, startsAt, endsAt }]);
    const message = await notificationFor('TmplResolve', 'resolved');
    // Assess
    const body = decode(message);
    expect(message.Subject).toBe('[RESOLVED] TmplResolve');
    expect(body.status).toBe('resolved');
    expect(body.alerts[0]).toMatchObject({ status: 'resolved', startsAt, endsAt });
    expect(parseNotification(message.Message, message.MessageAttributes).ok).toBe(true);
    expect(sns.rejected).toEqual([]);
  });
});

describe('the local SNS endpoint refuses what SNS refuses', () => {
  async function publish(
    form: Record<string, string>,
    secretAccessKey: string = LOCAL_CREDENTIALS.secretAccessKey,
  ) {
    const body = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: topicArn,
      ...form,
    }).toString();
    const url = new URL(sns.url);
    const headers = signRequest(
      {
        method: 'POST',
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      },
      { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey },
      { region: LOCAL_REGION, service: 'sns', now: new Date() },
    );
    const { host: _host, ...sendable } = headers;
    const response = await fetch(sns.url, { method: 'POST', headers: sendable, body });
    return { status: response.status, text: await response.text() };
  }

  it('accepts a valid signed Publish', async () => {
    const response = await publish({ Message: '{}', Subject: 'ok' });
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/<MessageId>[0-9a-f-]{36}<\/MessageId>/);
  });

  it('answers a subject of 100 characters with 400 InvalidParameter, and publishes nothing', async () => {
    const before = sns.published.length;
    const response = await publish({ Message: '{}', Subject: 'S'.repeat(100) });
    expect(response.status).toBe(400);
    expect(response.text).toContain(
      '<Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: Subject</Message></Error>',
    );
    expect(sns.published.length).toBe(before);
  });

  it('answers an empty attribute value with 400 InvalidParameterValue', async () => {
    const response = await publish({
      Message: '{}',
      'MessageAttributes.entry.1.Name': 'severity',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': '',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<Code>InvalidParameterValue</Code>');
    expect(response.text).toContain(
      "The message attribute 'severity' must contain non-empty message attribute value for message attribute type 'String'.",
    );
  });

  it('answers a request signed with the wrong secret with 403 SignatureDoesNotMatch', async () => {
    const response = await publish({ Message: '{}' }, 'not-the-secret');
    expect(response.status).toBe(403);
    expect(response.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
