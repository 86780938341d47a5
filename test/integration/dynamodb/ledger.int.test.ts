import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoControls } from '#adapters/dynamodb/controls.js';
import { CLAIM_LEASE_SECONDS, DynamoLedger } from '#adapters/dynamodb/ledger.js';
import type { AuditRecord } from '#domain/audit.js';
import type { ReservationRequest } from '#domain/ports.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
let n = 0;
/** A reservation for a fresh episode and target unless told otherwise; no budgets. */
const request = (overrides: Partial<ReservationRequest> = {}): ReservationRequest => {
  n++;
  return {
    episode: `fp${n}#2026-11-25T11:00:00.000Z#enforce`,
    holder: `req-${n}`,
    now: NOW,
    policy: 'restart',
    checkBreaker: true,
    cooldown: { key: `TARGET#sandbox/demo/Pod/web-${n}`, seconds: 600 },
    budgets: [],
    ...overrides,
  };
};

describe('DynamoLedger against DynamoDB Local', () => {
  let tables: TestTables;
  let ledger: DynamoLedger;
  let controls: DynamoControls;
  beforeAll(async () => {
    tables = await createTestTables();
    ledger = new DynamoLedger(tables.doc, tables.stateTable);
    controls = new DynamoControls(tables.doc, tables.stateTable);
  });
  afterAll(async () => {
    await tables.drop();
  });

  it('lets exactly one of 20 concurrent reservations of an episode win; the others are duplicates', async () => {
    const req = request();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.reserve({ ...req, holder: `req-${i}` })),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(1);
    const losers = results.filter((r) => !r.reserved);
    expect(losers.every((r) => !r.reserved && (r.code === 'duplicate' || r.code === 'cooldown'))).toBe(true);
  });

  it('settles a reservation with its outcome and writes the audit record', async () => {
    const req = request();
    const r = await ledger.reserve(req);
    if (!r.reserved) throw new Error(r.reason);
    await ledger.settle(req.episode, r.token, record());
    const item = await tables.doc.send(
      new GetCommand({ TableName: tables.stateTable, Key: { pk: `ALERT#${req.episode}`, sk: 'CLAIM' } }),
    );
    expect(item.Item).toMatchObject({ state: 'settled', outcome: 'acted', code: 'deletePod' });
    const audit = await tables.doc.send(
      new QueryCommand({
        TableName: tables.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT#sandbox/demo/Pod/web-abc12' },
      }),
    );
    expect(audit.Items?.[0]).toMatchObject({
      outcome: 'acted',
      reason: 'deleted pod sandbox/demo/Pod/web-abc12',
    });
    expect(audit.Items?.[0]?.gsi1pk).toMatch(/^DAY#2026-11-25#[0-7]$/);
  });

  it('refuses to settle with a token it does not hold', async () => {
    const req = request();
    await ledger.reserve(req);
    await expect(ledger.settle(req.episode, 'not-the-token', record())).rejects.toThrow(
      /conditional request failed/i,
    );
  });

  it('a released reservation can be taken again (a retry may act), cooldown included', async () => {
    const req = request();
    const first = await ledger.reserve(req);
    if (!first.reserved) throw new Error(first.reason);
    await ledger.release(req.episode, first.token, req.cooldown.key);
    expect((await ledger.reserve({ ...req, holder: 'req-retry' })).reserved).toBe(true);
  });

  it('lets a claim be taken over only after its lease ran out', async () => {
    const req = request({ cooldown: { key: 'TARGET#lease', seconds: 0 } });
    await ledger.reserve(req);
    expect((await ledger.reserve({ ...req, now: later(60) })).reserved).toBe(false);
    expect((await ledger.reserve({ ...req, now: later(CLAIM_LEASE_SECONDS + 1) })).reserved).toBe(true);
  });

  it('keeps a target cooling down for a new episode, and says how long is left', async () => {
    const target = { key: 'TARGET#sandbox/demo/Pod/web-cool', seconds: 600 };
    expect((await ledger.reserve(request({ cooldown: target }))).reserved).toBe(true);
    const next = await ledger.reserve(request({ cooldown: target, now: later(90) }));
    expect(next).toMatchObject({ reserved: false, code: 'cooldown' });
    expect(!next.reserved && next.reason).toMatch(/cooling down for 8m30s more/);
    expect((await ledger.reserve(request({ cooldown: target, now: later(601) }))).reserved).toBe(true);
  });

  it('spends a budget exactly: 5 of 8 concurrent reservations succeed', async () => {
    const budget = {
      key: 'RATE#policy#p#3600#2026-11-25T12:00:00.000Z',
      limit: 5,
      windowEnd: later(3600),
      label: 'policy p allows 5 actions per 1h',
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ledger.reserve(request({ budgets: [budget] }))),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(5);
    const refused = results.find((r) => !r.reserved);
    expect(refused).toMatchObject({ reserved: false, code: 'budget-exhausted' });
    expect(!refused?.reserved && refused?.reason).toMatch(
      /budget exhausted: policy p allows 5 actions per 1h \(resets in 1h\)/,
    );
  });

  it('stops every action while the kill switch is on, and resumes', async () => {
    await controls.pause('bad deploy in progress', 'alice', NOW);
    const paused = await ledger.reserve(request());
    expect(paused).toMatchObject({ reserved: false, code: 'paused' });
    expect(!paused.reserved && paused.reason).toMatch(
      /paused \(kill switch\) by alice: bad deploy in progress/,
    );
    await controls.resume('alice', NOW);
    expect((await ledger.reserve(request())).reserved).toBe(true);
  });

  it('opens a policy breaker after K consecutive failures; a success in between resets the count', async () => {
    expect(await ledger.recordFailure('flaky', 3, NOW)).toEqual({ opened: false });
    expect(await ledger.recordFailure('flaky', 3, NOW)).toEqual({ opened: false });
    // A success, settled with its audit record, resets the count.
    const ok = request({ policy: 'flaky' });
    const reserved = await ledger.reserve(ok);
    if (!reserved.reserved) throw new Error(reserved.reason);
    await ledger.settle(ok.episode, reserved.token, record(), { actedFor: 'flaky' });
    expect((await controls.breaker('flaky')).consecutiveFailures).toBe(0);
    for (let i = 0; i < 2; i++) await ledger.recordFailure('flaky', 3, NOW);
    expect(await ledger.recordFailure('flaky', 3, NOW)).toEqual({ opened: true });
    expect(await ledger.reserve(request({ policy: 'flaky' }))).toMatchObject({
      reserved: false,
      code: 'circuit-open',
    });
    // A dry-run does not consult the breaker.
    expect((await ledger.reserve(request({ policy: 'flaky', checkBreaker: false }))).reserved).toBe(true);
    await controls.resumePolicy('flaky', 'bob', NOW);
    expect((await ledger.reserve(request({ policy: 'flaky' }))).reserved).toBe(true);
  });
});

const record = (): AuditRecord => ({
  at: NOW.toISOString(),
  outcome: 'acted',
  code: 'deletePod',
  reason: 'deleted pod sandbox/demo/Pod/web-abc12',
  target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-abc12' },
});
