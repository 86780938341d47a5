import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remediateNotification } from '#app/remediate-notification.js';
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
  beforeAll(async () => {
    h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 3, per: '1h' } } }]);
    h.tables.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (
          args as { input?: { TransactItems?: Array<{ Put?: { Item?: { pk?: { S?: string } } } }> } }
        ).input;
        const items = input?.TransactItems;
        const auditBatch =
          context.commandName === 'TransactWriteItemsCommand' &&
          items !== undefined &&
          items.every((i) => i.Put?.Item?.pk?.S?.startsWith('AUDIT#'));
        if (auditBatch && failAuditBatches > 0) {
          failAuditBatches--;
          throw Object.assign(new Error('injected audit batch failure'), { name: 'ValidationException' });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'auditBatchFault' },
    );
  });
  afterAll(async () => h.close());

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
