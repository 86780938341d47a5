import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { startThrottling } from '../../support/dynamodb-faults.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

// A success after a reservation that saw counted failures settles (acted + audit committed), then resets the
// breaker with a separate UpdateItem. That reset failing (throttling past the client's retries) must not turn the
// completed action into a "failed" one, release its claim, or make the Lambda retry act again.
describe('after an action: a failing breaker reset changes nothing', () => {
  let h: RemedyHarness;
  let faults: Awaited<ReturnType<typeof startThrottling>>;
  let ledger: DynamoLedger;
  beforeEach(async () => {
    h = await startRemedy([crashLoopPolicy]);
    faults = await startThrottling(h.tables.endpoint);
    ledger = new DynamoLedger(localDocumentClient(faults.url), h.tables.stateTable);
    h.deps.ledger = ledger;
  });
  afterEach(async () => {
    await faults.close();
    await h.close();
  });

  const deletes = () => h.sandbox.requests.filter((r) => r.method === 'DELETE').length;

  it('acts once and writes one audit record even when the breaker reset fails', async () => {
    // One failure counted earlier on this policy (breaker closed): the reservation takes the "plain" path.
    await ledger.recordFailure(crashLoopPolicy.name, 5, new Date());
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    const message = {
      MessageId: crypto.randomUUID(),
      Message: JSON.stringify(
        notification([{ labels: { namespace: 'demo', pod }, fingerprint: 'bad0c0de' }]),
      ),
      MessageAttributes: {},
    };
    const before = deletes();
    // reserve/settle are TransactWriteItems; the first UpdateItem is resetBreaker (3 attempts = maxAttempts).
    faults.throttle('UpdateItem', 3);
    const first = await remediateNotification(message, h.deps, { requestId: 'r1' });
    faults.clear();
    expect(deletes() - before).toBe(1);
    // Fails: outcomes are { acted: 1, failed: 1 } and retryable is true, so the Lambda throws and retries.
    expect(first.outcomes).toEqual({ acted: 1 });
    expect(first.retryable).toBe(false);
  });

  it('the Lambda retry of that event does not act a second time', async () => {
    const pod = String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);
    const message = {
      MessageId: crypto.randomUUID(),
      Message: JSON.stringify(
        notification([{ labels: { namespace: 'demo', pod }, fingerprint: 'bad0c0df' }]),
      ),
      MessageAttributes: {},
    };
    await ledger.recordFailure(crashLoopPolicy.name, 5, new Date());
    const before = deletes();
    faults.throttle('UpdateItem', 3);
    const first = await remediateNotification(message, h.deps, { requestId: 'r2' });
    faults.clear();
    // As the handler does: a retryable summary makes Lambda redeliver the same event.
    expect(first.outcomes.acted).toBe(1);
    // As the handler does: a retryable summary makes Lambda redeliver the same event.
    const k8sBefore = h.sandbox.requests.length;
    const retry = first.retryable
      ? await remediateNotification(message, h.deps, { requestId: 'r2-retry' })
      : undefined;
    // Fails: the settled claim was released, so the redelivery reserves again and runs the plan again
    // (here deletePod finds the pod gone; a restartDeployment would restart twice). Audit: acted, failed, skipped.
    expect(h.sandbox.requests.length - k8sBefore).toBe(0);
    expect(retry?.outcomes ?? {}).toEqual({});
    expect(deletes() - before).toBe(1);
  });
});
