import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_LEASE_SECONDS, DynamoLedger } from '#adapters/dynamodb/ledger.js';
import type { AuditRecord } from '#domain/audit.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');

describe('DynamoLedger against DynamoDB Local', () => {
  let tables: TestTables;
  let ledger: DynamoLedger;
  beforeAll(async () => {
    tables = await createTestTables();
    ledger = new DynamoLedger(tables.doc, tables.stateTable);
  });
  afterAll(async () => {
    await tables.drop();
  });

  it('lets exactly one of 20 concurrent claimers win an episode', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.claim('fp1#2026-11-25T11:00:00.000Z#enforce', `req-${i}`, NOW),
      ),
    );
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => !r.claimed);
    expect(loser).toMatchObject({ claimed: false, at: NOW.toISOString() });
  });

  it('settles a claim with its outcome and writes the audit record', async () => {
    const key = 'fp2#2026-11-25T11:00:00.000Z#enforce';
    const claim = await ledger.claim(key, 'req-a', NOW);
    if (!claim.claimed) throw new Error('expected to claim');
    await ledger.settle(key, claim.token, record());
    const item = await tables.doc.send(
      new GetCommand({ TableName: tables.stateTable, Key: { pk: `ALERT#${key}`, sk: 'CLAIM' } }),
    );
    expect(item.Item).toMatchObject({ state: 'settled', outcome: 'acted', code: 'deletePod' });
    const audit = await tables.doc.send(
      new QueryCommand({
        TableName: tables.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT#sandbox/demo/Pod/web-abc12' },
      }),
    );
    expect(audit.Items).toHaveLength(1);
    expect(audit.Items?.[0]).toMatchObject({
      outcome: 'acted',
      reason: 'deleted pod sandbox/demo/Pod/web-abc12',
    });
    expect(audit.Items?.[0]?.gsi1pk).toMatch(/^DAY#2026-11-25#[0-7]$/);
  });

  it('refuses to settle with a token it does not hold', async () => {
    const key = 'fp3#2026-11-25T11:00:00.000Z#enforce';
    await ledger.claim(key, 'req-a', NOW);
    await expect(ledger.settle(key, 'not-the-token', record())).rejects.toThrow(
      /conditional request failed/i,
    );
  });

  it('a released claim can be claimed again (a retry may act)', async () => {
    const key = 'fp4#2026-11-25T11:00:00.000Z#enforce';
    const first = await ledger.claim(key, 'req-a', NOW);
    if (!first.claimed) throw new Error('expected to claim');
    await ledger.release(key, first.token);
    expect((await ledger.claim(key, 'req-b', NOW)).claimed).toBe(true);
  });

  it('lets a claim be taken over only after its lease ran out', async () => {
    const key = 'fp5#2026-11-25T11:00:00.000Z#enforce';
    await ledger.claim(key, 'req-dead', NOW);
    expect((await ledger.claim(key, 'req-b', new Date(NOW.getTime() + 60_000))).claimed).toBe(false);
    const later = new Date(NOW.getTime() + (CLAIM_LEASE_SECONDS + 1) * 1000);
    expect((await ledger.claim(key, 'req-c', later)).claimed).toBe(true);
  });
});

const record = (): AuditRecord => ({
  at: NOW.toISOString(),
  outcome: 'acted',
  code: 'deletePod',
  reason: 'deleted pod sandbox/demo/Pod/web-abc12',
  target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-abc12' },
});
