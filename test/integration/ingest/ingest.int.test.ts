// The ingest function as `npm start` runs it: its real handler behind a local Function URL (payload 2.0), its
// token in the local SSM Parameter Store, publishing with @aws-sdk/client-sns to the local SNS endpoint (SigV4
// verified, validated like SNS), where remediate's subscription (serverless.yml's filter policy) receives it.
// Then Debian's real Alertmanager posts through webhook_configs, and a second one publishes through sns_configs
// with remedy.tmpl: both paths must hand remediate the same notification, subject and attributes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseNotification } from '#domain/alert/parse.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { type LocalIngest, startLocalIngest } from '../../../infra/local/function-url/local-ingest.js';
import { readSnsWiring } from '../../../infra/local/serverless-wiring.js';
import { type LocalSsm, startLocalSsm } from '../../../infra/local/sinks/ssm-server.js';
import type { SnsLambdaEvent, SnsLambdaMessage } from '../../../infra/local/sns/lambda-event.js';
import { type SnsEndpoint, startSnsEndpoint } from '../../../infra/local/sns/sns-endpoint.js';
import { type RunningAlertmanager, runAlertmanager, startAlertmanager } from '../../support/alertmanager.js';
import { webhookBody } from '../../unit/ingest/webhook-fixture.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Alertmanager sends about group_wait (1 s) after a post; allow for a loaded machine. */
const ARRIVAL_TIMEOUT_MS = 20_000;

let sns: SnsEndpoint;
let ssm: LocalSsm;
let ingest: LocalIngest;
let stateDir: string;
const received: SnsLambdaMessage[] = [];
const routed: SnsLambdaMessage[] = [];

beforeAll(async () => {
  const [remediate] = await readSnsWiring(join(ROOT, 'serverless.yml'));
  if (!remediate) throw new Error('serverless.yml has no SNS-triggered function');
  sns = await startSnsEndpoint({ topics: [remediate.topicName] });
  const topicArn = sns.topicArn(remediate.topicName);
  const capture = (into: SnsLambdaMessage[]) => (event: SnsLambdaEvent) => {
    for (const record of event.Records) into.push(record.Sns);
  };
  sns.subscribe({ topicArn, deliver: capture(received) });
  // remediate's own subscription, filter policy as serverless.yml declares it.
  sns.subscribe({
    topicArn,
    filterPolicyScope: remediate.filterPolicyScope,
    ...(remediate.filterPolicy ? { filterPolicy: remediate.filterPolicy } : {}),
    deliver: capture(routed),
  });
  ssm = await startLocalSsm({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, parameters: {} });
  // The SDK inside the handler signs with the local credentials, as the local stack sets them.
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  stateDir = await mkdtemp(join(tmpdir(), 'remedy-ingest-'));
  ingest = await startLocalIngest({
    root: ROOT,
    stage: 'local',
    topicArn,
    snsEndpoint: sns.url,
    ssm,
    stateDir,
  });
});

afterAll(async () => {
  await ingest?.server.close();
  await ssm?.close();
  await sns?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const postWebhook = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(ingest.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingest.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const withAlertname = (name: string, alerts = 1, severity = 'warning') => {
  const body = webhookBody({}, alerts);
  for (const alert of body.alerts as Array<{ labels: Record<string, string> }>) {
    alert.labels.alertname = name;
    alert.labels.severity = severity;
  }
  body.commonLabels = { alertname: name, namespace: 'demo', severity };
  body.groupLabels = { alertname: name };
  return body;
};

async function arrived(
  from: SnsLambdaMessage[],
  alertname: string,
  count = 1,
  status = 'firing',
): Promise<SnsLambdaMessage[]> {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const found = from.filter(
      (m) =>
        m.MessageAttributes.alertname?.Value === alertname && m.MessageAttributes.status?.Value === status,
    );
    if (found.length >= count) {
      await sns.idle();
      return from.filter(
        (m) =>
          m.MessageAttributes.alertname?.Value === alertname && m.MessageAttributes.status?.Value === status,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${count} ${status} message(s) for ${alertname} not delivered within ${ARRIVAL_TIMEOUT_MS} ms; SNS refused: ${JSON.stringify(sns.rejected)}`,
  );
}

const attributesOf = (m: SnsLambdaMessage) =>
  Object.fromEntries(Object.entries(m.MessageAttributes).map(([k, v]) => [k, v.Value]));

describe('ingest behind a local Function URL, publishing to the local SNS endpoint', () => {
  it("publishes a webhook post that remediate's subscription receives and parses", async () => {
    const res = await postWebhook(withAlertname('IngestBasic', 2));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { published: number; messageIds: string[] };
    expect(answer.published).toBe(1);
    const [message] = await arrived(routed, 'IngestBasic');
    expect(message?.MessageId).toBe(answer.messageIds[0]);
    expect(message?.Subject).toBe('[FIRING:2] IngestBasic');
    expect(attributesOf(message!)).toEqual({
      alertname: 'IngestBasic',
      severity: 'warning',
      cluster: 'none',
      status: 'firing',
    });
    const parsed = parseNotification(message!.Message, message!.MessageAttributes);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.notification.alerts.map((a) => a.labels.pod)).toEqual(['web-0', 'web-1']);
    // The token was read from SSM by name; its value never appears in what the server recorded.
    expect(ssm.requests.some((r) => JSON.stringify(r.body).includes(ingest.tokenParameter))).toBe(true);
  });

  it('routes by the attributes it sets: severity=info is published but filtered out for remediate', async () => {
    const res = await postWebhook(withAlertname('IngestInfo', 1, 'info'));
    expect(res.status).toBe(200);
    await arrived(received, 'IngestInfo');
    expect(routed.filter((m) => m.MessageAttributes.alertname?.Value === 'IngestInfo')).toEqual([]);
  });

  it('splits a notification over 256 KiB into several SNS messages that all reach remediate', async () => {
    const body = withAlertname('IngestSplit', 30);
    for (const alert of body.alerts as Array<{ annotations: Record<string, string> }>)
      alert.annotations.description = 'x'.repeat(20_000);
    const res = await postWebhook(body);
    expect(res.status).toBe(200);
    const { published } = (await res.json()) as { published: number };
    expect(published).toBeGreaterThan(1);
    const messages = await arrived(routed, 'IngestSplit', published);
    const pods = messages.flatMap((m) => {
      const parsed = parseNotification(m.Message, m.MessageAttributes);
      if (!parsed.ok) throw parsed.error;
      expect(JSON.parse(m.Message).groupKey).toBe(body.groupKey);
      return parsed.notification.alerts.map((a) => a.labels.pod);
    });
    expect(pods.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `web-${i}`).sort());
  });

  it('refuses a wrong token (403), a missing one (401), a bad body (400) and an oversized one (413), publishing nothing', async () => {
    const before = sns.published.length;
    const wrong = await postWebhook(withAlertname('IngestRefused'), {
      authorization: `Bearer ${ingest.token}x`,
    });
    expect(wrong.status).toBe(403);
    const missing = await fetch(ingest.url, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="remedy"');
    const bad = withAlertname('IngestRefused');
    (bad.alerts as Array<Record<string, unknown>>)[0]!.startsAt = 'yesterday';
    const invalid = await postWebhook(bad);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/^body\.alerts\[0\]\.startsAt: /);
    const huge = await postWebhook(`{"pad":"${'x'.repeat(1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ limitBytes: 1024 * 1024 });
    expect(sns.published.length).toBe(before);
  });
});

describe('a real Alertmanager through webhook_configs, beside one through sns_configs', () => {
  let webhookAm: { url: string; stop: () => Promise<void>; logs: () => string };
  let snsAm: RunningAlertmanager;

  beforeAll(async () => {
    // The example config as npm start writes it (URL and token of this ingest), with short waits.
    const config = parse(await readFile(ingest.alertmanagerConfig, 'utf8')) as {
      route: Record<string, string>;
    };
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
    webhookAm = await runAlertmanager(stringify(config));
    snsAm = await startAlertmanager({
      snsUrl: sns.url,
      topicArn: sns.topicArn((await readSnsWiring(join(ROOT, 'serverless.yml')))[0]!.topicName),
    });
  });

  afterAll(async () => {
    await webhookAm?.stop();
    await snsAm?.stop();
  });

  it('hands remediate the same notification, subject and attributes either way', async () => {
    const startsAt = new Date(Date.now() - 2000).toISOString();
    const alert = {
      labels: {
        alertname: 'BothPaths',
        cluster: 'prod',
        namespace: 'shop',
        pod: 'web-1',
        severity: 'critical',
      },
      annotations: { summary: 'Pod web-1 is crash looping', note: 'quotes " and \\ and ünïcode' },
      startsAt,
      generatorURL: 'http://prometheus.local/graph?g0.expr=up',
    };
    for (const am of [webhookAm.url, snsAm.url]) {
      const res = await fetch(`${am}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert]),
      });
      expect(res.status).toBe(200);
    }
    const [a, b] = await arrived(routed, 'BothPaths', 2);
    expect(a?.Subject).toBe('[FIRING:1] BothPaths');
    expect(b?.Subject).toBe(a?.Subject);
    expect(attributesOf(a!)).toEqual(attributesOf(b!));
    expect(attributesOf(a!)).toEqual({
      alertname: 'BothPaths',
      severity: 'critical',
      cluster: 'prod',
      status: 'firing',
    });
    const normalise = (m: SnsLambdaMessage) => {
      const parsed = parseNotification(m.Message, m.MessageAttributes);
      if (!parsed.ok) throw parsed.error;
      const n = parsed.notification;
      // Each Alertmanager has its own URL; times are the same instants in two spellings.
      return {
        ...n,
        externalURL: '',
        alerts: n.alerts.map((x) => ({
          ...x,
          startsAt: new Date(x.startsAt).toISOString(),
          endsAt: undefined,
        })),
      };
    };
    expect(normalise(a!)).toEqual(normalise(b!));
  });
});
