import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../support/dynamodb-proxy.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

// The batched budget-skip audit writes: every alert of a storm has exactly one durable audit
// item when remediateNotification resolves; a failed batch fails the invocation (nothing silently lost).
const scaleWeb = (h: RemedyHarness, replicas: number): string[] => {
  const web = h.sandbox.store.get('deployments', 'demo', 'web');
  if (!web) throw new Error('sandbox has no demo/web');
  h.sandbox.store.update('deployments', { ...web, spec: { ...(web.spec as object), replicas } });
  return h.sandbox.store.list('pods', 'demo').map((p) => String(p.metadata.name));
};
const sns = (body: unknown) => ({
  MessageId: crypto.randomUUID(),
  Message: JSON.stringify(body),
  MessageAttributes: {},
});

describe('audit batching in a storm', () => {
  let h: RemedyHarness;
  let failAuditBatches = 0;
  let proxy: DynamoDbProxy;
  beforeAll(async () => {
    h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 3, per: '1h' } } }]);
    // The fault on the wire: a transaction of audit puts only is refused as DynamoDB refuses a bad request.
    proxy = await startDynamoDbProxy(h.tables.endpoint, (op, body) => {
      if (op !== 'TransactWriteItems' || failAuditBatches <= 0) return undefined;
      const items = (
        JSON.parse(body) as { TransactItems: Array<{ Put?: { Item?: { pk?: { S?: string } } } }> }
      ).TransactItems;
      if (!items.every((i) => i.Put?.Item?.pk?.S?.startsWith('AUDIT#'))) return undefined;
      failAuditBatches--;
      return {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ValidationException',
          message: 'injected audit batch failure',
        },
      };
    });
    h.deps.ledger = new DynamoLedger(localDocumentClient(proxy.url), h.tables.stateTable);
  });
  afterAll(async () => {
    await proxy.close();
    await h.close();
  });

  const auditItems = async () => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await h.tables.doc.send(
        new ScanCommand({ TableName: h.tables.stateTable, ExclusiveStartKey: start }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.filter((i) => String(i.pk).startsWith('AUDIT#'));
  };

  it('60 alerts, budget 3: exactly one audit item per alert', async () => {
    const pods = scaleWeb(h, 60).slice(0, 60);
    const summary = await remediateNotification(
      sns(notification(pods.map((pod, i) => ({ labels: { namespace: 'demo', pod }, fingerprint: `a${i}` })))),
      h.deps,
      { requestId: 'storm1' },
    );
    expect(summary.outcomes).toEqual({ acted: 3, skipped: 57 });
    const items = await auditItems();
    const perEpisode = new Map<string, number>();
    for (const i of items) perEpisode.set(String(i.episode), (perEpisode.get(String(i.episode)) ?? 0) + 1);
    expect(perEpisode.size).toBe(60);
    expect([...perEpisode.values()].every((c) => c === 1)).toBe(true);
  });

  it('a failed audit batch fails the invocation (Lambda retries) instead of losing records', async () => {
    const pods = scaleWeb(h, 60).slice(0, 60);
    failAuditBatches = 1;
    await expect(
      remediateNotification(
        sns(
          notification(pods.map((pod, i) => ({ labels: { namespace: 'demo', pod }, fingerprint: `b${i}` }))),
        ),
        h.deps,
        { requestId: 'storm2' },
      ),
    ).rejects.toThrow(/injected/);
    expect(failAuditBatches).toBe(0);
  });
});
