import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/aws/local-account.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';

const POLL_MS = 50;
const waitFor = async <T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
};

/**
 * The spine, end to end with real parts: Debian's Alertmanager with the shipped template and config publishes
 * to the local SNS endpoint (SigV4 checked), which invokes the remediate handler as serverless.yml wires it;
 * the handler reads the policy from DynamoDB Local and deletes the pod in the sandbox over TLS.
 */
describe('Alertmanager → SNS → remediate → Kubernetes', () => {
  let stack: LocalStack;
  let am: RunningAlertmanager;
  let doc: DynamoDBDocumentClient;

  const pods = () => (stack.sandbox?.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
  const deletes = () => (stack.sandbox?.requests ?? []).filter((r) => r.method === 'DELETE');
  const audit = async (pk: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: stack.tables.state,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    stack = await startLocalStack({
      stateDir: mkdtempSync(join(tmpdir(), 'remedy-e2e-')),
      ports: { sns: 0, kube: 0 },
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableSuffix: randomUUID().slice(0, 8),
    });
    am = await startAlertmanager({ snsUrl: stack.sns.url, topicArn: stack.topicArn });
    doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { ...LOCAL_CREDENTIALS },
      }),
    );
  });
  afterAll(async () => {
    await am?.stop();
    await stack?.close();
  });

  it('deletes the crash-looping pod; the sandbox replaces it; resolve is recorded', async () => {
    // Prepare
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const startsAt = new Date().toISOString();
    // Act: the kube-prometheus alert, as Prometheus would post it.
    await am.postAlerts([
      {
        labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod: victim },
        annotations: { description: `Pod demo/${victim} is restarting 3 times / 10 minutes.` },
        startsAt,
      },
    ]);
    // Assess
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await waitFor('a replacement pod', () => pods().length === 3);
    await stack.sns.idle();
    const acted = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(acted).toHaveLength(1);
    expect(acted[0]).toMatchObject({
      outcome: 'acted',
      code: 'deletePod',
      policy: 'restart-crashlooping-pod',
    });

    // Act: resolve it.
    await am.postAlerts([
      {
        labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod: victim },
        startsAt,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    const resolved = await waitFor('the resolved record', async () => {
      const items = (await audit('AUDIT#alert/KubePodCrashLooping')).filter((i) => i.outcome === 'resolved');
      return items.length > 0 ? items : undefined;
    });
    expect(resolved[0]).toMatchObject({ outcome: 'resolved', fingerprint: acted[0]?.fingerprint });
    expect(deletes().filter((d) => d.path.includes(victim))).toHaveLength(1);
  });

  it('acts once when SNS delivers the same message twice', async () => {
    // Prepare: the notification Alertmanager published for a new victim.
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const before = stack.sns.published.length;
    await am.postAlerts([
      { labels: { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'demo', pod: victim } },
    ]);
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await stack.sns.idle();
    const published = stack.sns.published.slice(before).find((m) => m.message.includes(victim));
    if (!published) throw new Error('Alertmanager did not publish');
    // Act: SNS at-least-once: the very same message (same MessageId) reaches the function again, twice at once.
    stack.sns.redeliver(published.messageId);
    stack.sns.redeliver(published.messageId);
    await stack.sns.idle();
    // Assess
    expect(deletes().filter((d) => d.path.endsWith(`/pods/${victim}`))).toHaveLength(1);
    const records = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(records.map((r) => r.outcome).sort()).toEqual(['acted', 'skipped', 'skipped']);
    expect(records.filter((r) => r.code === 'duplicate')).toHaveLength(2);
  });

  it('parses label and annotation values with quotes, backslashes, newlines and non-ASCII, and still acts', async () => {
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const nasty = 'say "hi" \\ C:\\path\nline2\ttab — ünïcødé 日本語 🚨 </script>';
    await am.postAlerts([
      {
        labels: {
          alertname: 'KubePodCrashLooping',
          severity: 'warning',
          namespace: 'demo',
          pod: victim,
          team: nasty,
        },
        annotations: { description: nasty, summary: `"${nasty}"` },
      },
    ]);
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await stack.sns.idle();
    const [record] = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(record).toMatchObject({ outcome: 'acted' });
    const published = stack.sns.published.find((m) => m.message.includes(victim));
    const parsed = JSON.parse(published?.message ?? '{}') as {
      alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
    };
    const ours = parsed.alerts.find((a) => a.labels.pod === victim);
    expect(ours?.labels.team).toBe(nasty);
    expect(ours?.annotations.summary).toBe(`"${nasty}"`);
  });
});
