import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import type { AuditRecord } from '#domain/audit.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../support/dynamodb-proxy.js';

// An action's outcome, its audit record and what verification needs of it (ACTION#, the policy's
// effectiveness line) are one write: counted on the wire, and each still there afterwards.
describe('settle remembers the action in its own transaction', () => {
  let tables: TestTables;
  let proxy: DynamoDbProxy;
  const calls: string[] = [];
  /** Answers the next settle with a cancellation for a concurrent write, as DynamoDB does. */
  let conflicts = 0;
  let ledger: DynamoLedger;
  let outcomes: DynamoOutcomes;
  beforeAll(async () => {
    tables = await createTestTables();
    proxy = await startDynamoDbProxy(tables.endpoint, (op, body) => {
      calls.push(op);
      if (op !== 'TransactWriteItems' || conflicts <= 0 || !body.includes('"ACTION#')) return undefined;
      conflicts--;
      const items = (JSON.parse(body) as { TransactItems: unknown[] }).TransactItems;
      return {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          CancellationReasons: items.map((_, i) => ({ Code: i === 2 ? 'TransactionConflict' : 'None' })),
        },
      };
    });
    const doc = localDocumentClient(proxy.url);
    ledger = new DynamoLedger(doc, tables.stateTable);
    outcomes = new DynamoOutcomes(doc, tables.stateTable);
  });
  afterAll(async () => {
    await proxy.close();
    await tables.drop();
  });

  const acted = (n: number): AuditRecord => ({
    at: `2026-12-07T10:00:0${n}.000Z`,
    outcome: 'acted',
    code: 'deletePod',
    reason: 'deleted pod demo/web-1 in cluster sandbox',
    mode: 'enforce',
    policy: 'restart',
    episode: `fp${n}#2026-12-07T09:59:00.000Z`,
    target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: `web-${n}` },
  });
  const reserveFor = async (r: AuditRecord) => {
    const reservation = await ledger.reserve({
      episode: `${r.episode}#enforce`,
      holder: 'req',
      now: new Date(r.at),
      policy: 'restart',
      checkBreaker: true,
      cooldown: { key: `TARGET#sandbox/demo/Pod/${r.target?.name}`, seconds: 600 },
      budgets: [],
    });
    if (!reservation.reserved) throw new Error(reservation.reason);
    return reservation.token;
  };
  const remember = (r: AuditRecord) => ({
    episode: String(r.episode),
    policy: 'restart',
    actedAt: r.at,
    target: `sandbox/demo/Pod/${r.target?.name}`,
  });

  it('writes claim, audit, ACTION# and the effectiveness line in one TransactWriteItems', async () => {
    // Prepare
    const r = acted(1);
    const token = await reserveFor(r);
    calls.length = 0;

    // Act
    await ledger.settle(`${r.episode}#enforce`, token, r, { actedFor: 'restart', remember: remember(r) });

    // Assess: one round trip, and everything the followup and `remedy stats` read is there.
    expect(calls).toEqual(['TransactWriteItems']);
    expect(await outcomes.action(String(r.episode))).toMatchObject({ policy: 'restart', actedAt: r.at });
    const action = await tables.doc.send(
      new GetCommand({ TableName: tables.stateTable, Key: { pk: `ACTION#${r.episode}`, sk: 'VERIFY' } }),
    );
    expect(action.Item?.target).toBe('sandbox/demo/Pod/web-1');
    const lines = await outcomes.entries('restart', '2026-12-07T00:00:00.000Z');
    expect(lines.map((l) => l.episode)).toContain(r.episode);
    const audit = await tables.doc.send(
      new QueryCommand({
        TableName: tables.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT#sandbox/demo/Pod/web-1' },
      }),
    );
    expect(audit.Items?.map((i) => i.outcome)).toEqual(['acted']);
  });

  it('tries again when a concurrent write to ACTION# cancels the settle, and writes it once', async () => {
    const r = acted(2);
    const token = await reserveFor(r);
    calls.length = 0;
    conflicts = 1;

    await ledger.settle(`${r.episode}#enforce`, token, r, { remember: remember(r) });

    expect(conflicts).toBe(0);
    expect(calls).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    const claim = await tables.doc.send(
      new GetCommand({
        TableName: tables.stateTable,
        Key: { pk: `ALERT#${r.episode}#enforce`, sk: 'CLAIM' },
        ConsistentRead: true,
      }),
    );
    expect(claim.Item?.state).toBe('settled');
    expect(await outcomes.action(String(r.episode))).toMatchObject({ actedAt: r.at });
  });

  it('lists a policy in the stats index once per container, not once per action', async () => {
    calls.length = 0;
    await outcomes.policyActed('restart', '2026-12-07T10:00:01.000Z');
    await outcomes.policyActed('restart', '2026-12-07T10:00:02.000Z');
    await outcomes.policyActed('rollback', '2026-12-07T10:00:03.000Z');
    expect(calls).toEqual(['PutItem', 'PutItem']);
    expect((await outcomes.policies()).sort()).toEqual(['restart', 'rollback']);
    // Another container (a fresh store) finds the policy listed and keeps the first entry.
    await new DynamoOutcomes(tables.doc, tables.stateTable).policyActed(
      'restart',
      '2026-12-07T11:00:00.000Z',
    );
    const { Item } = await tables.doc.send(
      new GetCommand({ TableName: tables.stateTable, Key: { pk: 'OUTCOMES#index', sk: 'restart' } }),
    );
    expect(Item?.firstSeenActingAt).toBe('2026-12-07T10:00:01.000Z');
  });
});
