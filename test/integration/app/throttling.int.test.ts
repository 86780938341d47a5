import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { startThrottling } from '../../support/dynamodb-faults.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

describe("DynamoDB throttling (injected on the wire, below remedy's client retries)", () => {
  let h: RemedyHarness;
  let faults: Awaited<ReturnType<typeof startThrottling>>;
  beforeAll(async () => {
    h = await startRemedy([crashLoopPolicy]);
    faults = await startThrottling(h.tables.endpoint);
    h.deps.ledger = new DynamoLedger(localDocumentClient(faults.url), h.tables.stateTable);
  });
  afterAll(async () => {
    await faults.close();
    await h.close();
  });

  const deletes = () => h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
  const alert = (pod: string, fingerprint: string) => ({
    MessageId: crypto.randomUUID(),
    Message: JSON.stringify(notification([{ labels: { namespace: 'demo', pod }, fingerprint }])),
    MessageAttributes: {},
  });

  it('rides out brief throttling with the client retry and acts once', async () => {
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    faults.throttle('TransactWriteItems', 2);
    const before = deletes();
    const summary = await remediateNotification(alert(pod, 'c0ffee01'), h.deps, { requestId: 't1' });
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(deletes() - before).toBe(1);
    expect(faults.thrown).toBe(2);
  });

  it('fails the invocation when throttling persists, acts on nothing, and acts once on redelivery', async () => {
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    const message = alert(pod, 'c0ffee02');
    faults.throttle('TransactWriteItems', 10);
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
