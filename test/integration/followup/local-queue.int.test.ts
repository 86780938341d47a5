import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsFollowupQueue } from '#adapters/sqs/followup-queue.js';
import { FOLLOWUP_KIND, type FollowupMessage } from '#domain/verify/message.js';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { type SqsEndpoint, startSqsEndpoint } from '../../../infra/local/queue/sqs-endpoint.js';
import { waitFor } from '../../support/e2e.js';

/**
 * The local queue behind the followup: remedy's SQS sender (and the SDK, for the refusals) sends to it, a handler
 * consumes Lambda SQS events.
 */
describe('local SQS queue with Lambda event-source semantics', () => {
  let sqs: SqsEndpoint | undefined;
  afterEach(async () => sqs?.close());

  const start = async (maxReceiveCount = 3) => {
    sqs = await startSqsEndpoint({
      queues: [{ name: 'FollowupQueue', visibilityTimeoutSeconds: 0.2, maxReceiveCount }],
    });
    return sqs;
  };
  const client = (endpoint: string, secretAccessKey: string = LOCAL_CREDENTIALS.secretAccessKey) =>
    new SQSClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey },
    });
  const message = (episode: string): FollowupMessage => ({
    kind: FOLLOWUP_KIND,
    version: 1,
    dueAt: new Date().toISOString(),
    verify: { check: 'alertResolved', afterSeconds: 60, onNotRecovered: 'notify' },
    action: {
      at: new Date().toISOString(),
      outcome: 'acted',
      code: 'deletePod',
      reason: 'deleted',
      episode,
      policy: 'p',
      target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-1' },
    },
  });

  it('delivers after DelaySeconds as an exact Lambda SQS event', async () => {
    // Prepare
    const q = await start();
    const events: Array<{ event: SQSEvent; at: number }> = [];
    q.consume('FollowupQueue', {
      batchSize: 10,
      reportBatchItemFailures: true,
      invoke: async (event) => {
        events.push({ event, at: Date.now() });
        return { batchItemFailures: [] };
      },
    });
    const sender = new SqsFollowupQueue({
      queueUrl: q.queueUrl('FollowupQueue'),
      region: 'us-east-1',
      endpoint: q.url,
      credentials: async () => LOCAL_CREDENTIALS,
    });
    // Act
    const sentAt = Date.now();
    await sender.schedule(message('fp#t'), 1);
    await q.idle();
    // Assess: not before its delay; the record carries what Lambda's does.
    expect(events).toHaveLength(1);
    expect(events[0]?.at).toBeGreaterThanOrEqual(sentAt + 1000);
    const [record] = events[0]?.event.Records ?? [];
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${q.accountId}:FollowupQueue`,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { episode: { dataType: 'String', stringValue: 'fp#t' } },
    });
    expect(JSON.parse(record?.body ?? '')).toMatchObject({
      kind: FOLLOWUP_KIND,
      action: { episode: 'fp#t' },
    });
  });

  it('redelivers only the messages named in batchItemFailures, then moves a poison message to the dead letters', async () => {
    // Prepare
    const q = await start(3);
    const seen: Record<string, string[]> = {};
    q.consume('FollowupQueue', {
      batchSize: 10,
      reportBatchItemFailures: true,
      invoke: async (event) => {
        const failures = [];
        for (const r of event.Records) {
          const episode = (JSON.parse(r.body) as FollowupMessage).action.episode;
          seen[episode] = [...(seen[episode] ?? []), r.attributes.ApproximateReceiveCount];
          if (episode === 'poison' || (episode === 'flaky' && r.attributes.ApproximateReceiveCount === '1'))
            failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    const sender = new SqsFollowupQueue({
      queueUrl: q.queueUrl('FollowupQueue'),
      region: 'us-east-1',
      endpoint: q.url,
      credentials: async () => LOCAL_CREDENTIALS,
    });
    // Act
    await Promise.all(['ok', 'flaky', 'poison'].map((e) => sender.schedule(message(e), 0)));
    await q.idle();
    // Assess
    expect(seen).toEqual({ ok: ['1'], flaky: ['1', '2'], poison: ['1', '2', '3'] });
    expect(q.deadLetters).toEqual([
      expect.objectContaining({ receiveCount: 3, lastError: 'reported in batchItemFailures' }),
    ]);
  });

  it('a handler that throws fails its whole batch, which comes back', async () => {
    const q = await start(5);
    let calls = 0;
    q.consume('FollowupQueue', {
      batchSize: 10,
      reportBatchItemFailures: true,
      invoke: async () => {
        calls++;
        if (calls === 1) throw new Error('DynamoDB unavailable');
        return {};
      },
    });
    const sender = new SqsFollowupQueue({
      queueUrl: q.queueUrl('FollowupQueue'),
      region: 'us-east-1',
      endpoint: q.url,
      credentials: async () => LOCAL_CREDENTIALS,
    });
    await sender.schedule(message('a'), 0);
    await waitFor('the redelivery', () => calls >= 2);
    await q.idle();
    expect(q.deadLetters).toEqual([]);
  });

  it('refuses what SQS refuses: a delay over 15 minutes, an unknown queue, a bad signature', async () => {
    const q = await start();
    const good = client(q.url);
    await expect(
      good.send(
        new SendMessageCommand({
          QueueUrl: q.queueUrl('FollowupQueue'),
          MessageBody: 'x',
          DelaySeconds: 901,
        }),
      ),
    ).rejects.toThrow(/DelaySeconds is invalid/);
    await expect(
      good.send(new SendMessageCommand({ QueueUrl: q.queueUrl('Nope'), MessageBody: 'x' })),
    ).rejects.toThrow(/does not exist/);
    await expect(
      client(q.url, 'wrong-secret').send(
        new SendMessageCommand({ QueueUrl: q.queueUrl('FollowupQueue'), MessageBody: 'x' }),
      ),
    ).rejects.toThrow(/signature/i);
    expect(q.sent).toEqual([]);
    good.destroy();
  });
});
