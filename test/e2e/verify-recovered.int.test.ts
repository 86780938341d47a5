import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DocumentClient, QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { localDocumentClient } from '../../infra/local/dynamodb-local.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { runCli } from '../../shared/cli/main.js';
import { waitFor } from '../support/e2e.js';
import { publish } from '../support/sns-publish.js';

const POLICY = {
  name: 'verify-demo',
  match: { alertname: 'RemedyVerifyDemo' },
  priority: 100,
  target: { cluster: { value: 'sandbox' }, namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
  verify: { after: '5m', alertResolved: true },
} as const;

/**
 * The verification loop on the local stack as `npm start` runs it: SNS → remediate deletes the pod and sends a
 * delayed followup to the local SQS queue (5m scaled to 3s) → Alertmanager's resolve arrives → the queue hands
 * the followup to the followup function as a Lambda SQS event → verdict `recovered`, audited and in `remedy stats`.
 */
describe('alert → delete pod → delayed followup → recovered', () => {
  let stack: LocalStack;
  let doc: DocumentClient;
  const home = mkdtempSync(join(tmpdir(), 'remedy-e2e-verify-'));

  beforeAll(async () => {
    stack = await startLocalStack({
      stateDir: home,
      ports: { sns: 0, kube: 0, aws: 0 },
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableSuffix: randomUUID().slice(0, 8),
      verifyDelayScale: 0.01,
    });
    doc = localDocumentClient(stack.dynamodbEndpoint);
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    await new DynamoPolicyStore(
      doc,
      stack.tables.policies,
      { logger: silent, metrics: { count: () => {} }, now: Date.now },
      0,
    ).put(POLICY, new Date().toISOString());
  });
  afterAll(async () => {
    doc?.destroy();
    await stack?.close();
  });

  const pods = () => (stack.sandbox?.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
  const alert = (pod: string, status: 'firing' | 'resolved', startsAt: string) =>
    JSON.stringify({
      version: '4',
      receiver: 'remedy',
      status,
      alerts: [
        {
          status,
          labels: { alertname: 'RemedyVerifyDemo', severity: 'warning', namespace: 'demo', pod },
          annotations: {},
          startsAt,
          endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.local/graph',
          fingerprint: 'feedc0de00000001',
        },
      ],
      groupLabels: { alertname: 'RemedyVerifyDemo' },
      commonLabels: { alertname: 'RemedyVerifyDemo' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager.local',
    });
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

  it('records recovered after the shortened delay, once, with the time to recovery', async () => {
    // Prepare
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const startsAt = new Date().toISOString();
    const send = (status: 'firing' | 'resolved') =>
      publish(stack.sns.url, {
        topicArn: stack.topicArn,
        message: alert(victim, status, startsAt),
        attributes: { severity: 'warning', status },
      });
    // Act: the alert fires; remedy deletes the pod and schedules the followup on the local queue.
    expect((await send('firing')).status).toBe(200);
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await waitFor('the followup to be sent', () => stack.queues.sqs.sent.length > 0);
    // Act: Alertmanager resolves it well before the followup is due (5m × 0.01 = 3s).
    expect((await send('resolved')).status).toBe(200);
    // Assess
    const records = await waitFor('the verdict', async () => {
      const items = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
      return items.some((i) => i.outcome === 'recovered') && items;
    });
    expect(records.map((r) => r.outcome)).toEqual(['acted', 'recovered']);
    expect(records[1]).toMatchObject({ code: 'alert-resolved', policy: 'verify-demo' });
    // The resolve (audited under the alert: it names no target) says how long after the action it came.
    const [resolved] = await audit('AUDIT#alert/RemedyVerifyDemo');
    expect(resolved).toMatchObject({
      outcome: 'resolved',
      details: { secondsSinceAction: expect.any(Number) },
    });
    const [sent] = stack.queues.sqs.sent;
    expect(sent?.delaySeconds).toBe(3);
    await stack.queues.sqs.idle();
    expect(stack.queues.sqs.deadLetters).toEqual([]);

    // Assess: `remedy stats --local` answers from the effectiveness record.
    let out = '';
    const code = await runCli(['stats', '--local', '--policy', 'verify-demo', '--json'], {
      env: { REMEDY_LOCAL_JSON: stack.localJson },
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      now: () => new Date(),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out).policies).toEqual([
      expect.objectContaining({ policy: 'verify-demo', actions: 1, recovered: 1, notRecovered: 0 }),
    ]);
  });
});
