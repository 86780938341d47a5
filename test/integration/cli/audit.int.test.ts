import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecentAudit } from '#adapters/dynamodb/audit-reader.js';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import type { AuditRecord } from '#domain/audit.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const target = (name: string) => ({ cluster: 'prod', namespace: 'shop', kind: 'Pod' as const, name });

/** Records over two days and many targets, so they land in several day shards of the `recent` index. */
const RECORDS: AuditRecord[] = [
  ...Array.from({ length: 24 }, (_, i) => ({
    at: new Date(Date.parse('2026-11-24T22:00:00.000Z') + i * 10 * 60_000).toISOString(),
    outcome: 'acted' as const,
    code: 'deletePod',
    reason: `deleted pod shop/web-${i}`,
    alertname: 'KubePodCrashLooping',
    policy: i % 2 === 0 ? 'restart-crashlooping-pod' : 'other-policy',
    target: target(`web-${i}`),
  })),
  {
    at: '2026-11-25T11:00:00.000Z',
    outcome: 'skipped',
    code: 'no-policy',
    reason: 'no policy for alertname "Watchdog"',
    alertname: 'Watchdog',
  },
  // The followup's verdict on an earlier action: an audit record like any other.
  {
    at: '2026-11-25T11:20:00.000Z',
    outcome: 'recovered',
    code: 'alert-resolved',
    reason: 'KubePodCrashLooping resolved 40s after remedy deleted pod shop/web-23',
    alertname: 'KubePodCrashLooping',
    policy: 'verified-policy',
    target: target('web-23'),
  },
];

describe('the audit: readRecentAudit and `remedy audit` against DynamoDB Local', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  const run = (...argv: string[]) => remedy(argv, { env: local.env, deps: {}, now: () => NOW });
  const read = async (query: Parameters<typeof readRecentAudit>[2]) => {
    const out: AuditRecord[] = [];
    for await (const r of readRecentAudit(tables.doc, tables.stateTable, query)) out.push(r);
    return out;
  };

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
    const ledger = new DynamoLedger(tables.doc, tables.stateTable);
    for (const record of RECORDS) await ledger.audit(record);
  });
  afterAll(async () => {
    await local.remove();
    await tables.drop();
  });

  it('reads every record of a span across days and shards, in time order, without the table keys', async () => {
    const all = await read({ since: new Date('2026-11-24T00:00:00Z'), until: NOW });
    expect(all.map((r) => r.at)).toEqual(RECORDS.map((r) => r.at).sort());
    expect(all[0]).toEqual(RECORDS[0]);
    const newest = await read({ since: new Date('2026-11-24T00:00:00Z'), order: 'newest-first', limit: 3 });
    expect(newest.map((r) => r.at)).toEqual(
      RECORDS.map((r) => r.at)
        .sort()
        .reverse()
        .slice(0, 3),
    );
  });

  it('bounds the span on both ends and filters by policy and by target', async () => {
    const span = await read({
      since: new Date('2026-11-24T23:00:00Z'),
      until: new Date('2026-11-25T00:00:00Z'),
    });
    expect(span.map((r) => r.at)).toEqual(
      RECORDS.map((r) => r.at).filter(
        (at) => at >= '2026-11-24T23:00:00.000Z' && at <= '2026-11-25T00:00:00.000Z',
      ),
    );
    const mine = await read({ since: new Date('2026-11-24T00:00:00Z'), policy: 'other-policy' });
    expect(mine).toHaveLength(12);
    expect(mine.every((r) => r.policy === 'other-policy')).toBe(true);
    const one = await read({ since: new Date('2026-11-24T00:00:00Z'), target: 'prod/shop/Pod/web-3' });
    expect(one.map((r) => r.reason)).toEqual(['deleted pod shop/web-3']);
  });

  it('prints the last N decisions as a table, oldest first, and says when there are more', async () => {
    const audit = await run('audit', '--local', '--since', '2026-11-25T01:00:00Z', '--limit', '3');
    expect(audit.code).toBe(0);
    expect(audit.stdout).toBe(
      [
        'AT                        OUTCOME    CODE            POLICY           TARGET                REASON',
        '2026-11-25T01:50:00.000Z  acted      deletePod       other-policy     prod/shop/Pod/web-23  deleted pod shop/web-23',
        '2026-11-25T11:00:00.000Z  skipped    no-policy       -                alert/Watchdog        no policy for alertname "Watchdog"',
        '2026-11-25T11:20:00.000Z  recovered  alert-resolved  verified-policy  prod/shop/Pod/web-23  KubePodCrashLooping resolved 40s after remedy deleted pod shop/web-23',
        '',
      ].join('\n'),
    );
    expect(audit.stderr).toBe(
      'remedy: showing the last 3 decisions; --limit or a shorter --since for others\n',
    );
  });

  it('prints JSON lines with --json, one target with --target, one policy with --policy', async () => {
    const json = await run('audit', '--local', '--since', '2d', '--json', '--target', 'prod/shop/Pod/web-4');
    expect(json.code).toBe(0);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([RECORDS[4]]);
    const policy = await run(
      'audit',
      '--local',
      '--since',
      '2d',
      '--policy',
      'restart-crashlooping-pod',
      '--json',
    );
    expect(policy.stdout.trim().split('\n')).toHaveLength(12);
    const none = await run('audit', '--local', '--since', '30m');
    expect(none.stdout).toBe('no decisions between 2026-11-25T11:30:00.000Z and 2026-11-25T12:00:00.000Z\n');
  });

  it.each([
    [['--since', 'yesterday'], /--since must be a duration ago \(30m, 24h, 7d\) or a timestamp/],
    [['--since', '1h', '--until', '2h'], /--since is after --until/],
    [['--target', 'prod/shop/web-1'], /--target must be cluster\/namespace\/Kind\/name/],
    [['--limit', '0'], /--limit must be a whole number of at least 1/],
    [['--output', 'json'], /Unknown option '--output'/],
  ])('exits 2 for %j', async (argv, message) => {
    const run2 = await run('audit', '--local', ...argv);
    expect(run2.code).toBe(2);
    expect(run2.stderr).toMatch(message);
  });

  it('exits 1 naming the table when it does not exist', async () => {
    const missing = await run('audit', '--local', '--table-state', 'no-such-table');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `remedy: error: could not read the audit from table no-such-table (${tables.endpoint}): the table does not exist there (check the name and region)\n`,
    );
  });

  it('exits 1 with a hint when the endpoint does not answer', async () => {
    const down = await remedy(['audit', '--table-state', 't', '--endpoint', 'http://127.0.0.1:9'], {
      deps: { credentials: async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }) },
      now: () => NOW,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /could not read the audit from table t \(http:\/\/127\.0\.0\.1:9\): cannot connect .*is `npm start` running\?/,
    );
  });
});
