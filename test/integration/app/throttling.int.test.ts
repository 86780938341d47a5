import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { addThrottling } from '../../support/dynamodb-faults.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

describe('DynamoDB throttling (injected below the SDK retry layer)', () => {
  let h: RemedyHarness;
  let faults: ReturnType<typeof addThrottling>;
  beforeAll(async () => {
    h = await startRemedy([crashLoopPolicy]);
    const client = new DynamoDBClient({
      endpoint: h.tables.endpoint,
      region: 'us-east-1',
      credentials: { ...LOCAL_CREDENTIALS },
      maxAttempts: 3,
    });
    faults = addThrottling(client);
    h.deps.ledger = new DynamoLedger(
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
      h.tables.stateTable,
    );
  });
  afterAll(async () => h.close());

  const deletes = () => h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
  const alert = (pod: string, fingerprint: string) => ({
    MessageId: crypto.randomUUID(),
    Message: JSON.stringify(notification([{ labels: { namespace: 'demo', pod }, fingerprint }])),
    MessageAttributes: {},
  });

  it('rides out brief throttling with the SDK retry and acts once', async () => {
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    faults.throttle('TransactWriteItemsCommand', 2);
    const before = deletes();
    const summary = await remediateNotification(alert(pod, 'c0ffee01'), h.deps, { requestId: 't1' });
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(deletes() - before).toBe(1);
    expect(faults.thrown).toBe(2);
  });

  it('fails the invocation when throttling persists, acts on nothing, and acts once on redelivery', async () => {
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    const message = alert(pod, 'c0ffee02');
    faults.throttle('TransactWriteItemsCommand', 10);
    const before = deletes();
    await expect(remediateNotification(message, h.deps, { requestId: 't2' })).rejects.toThrow(
      /provisioned throughput/i,
    );
    expect(deletes() - before).toBe(0);
    faults.clear();
    // Lambda's async retry delivers the same event again.
    const retry = await remediateNotification(message, h.deps, { requestId: 't2' });
    expect(retry.outcomes).toEqual({ acted: 1 });
    expect(deletes() - before).toBe(1);
  });
});
