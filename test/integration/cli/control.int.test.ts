import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

/** `remedy pause|resume|status|breaker` with the real CLI against DynamoDB Local, checked by the real ledger. */
describe('remedy pause / resume / breaker', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  const run = (...argv: string[]) => remedy(argv, { env: { ...local.env, USER: 'alice' }, deps: {} });
  const reserve = (ledger: DynamoLedger, policy = 'p') =>
    ledger.reserve({
      episode: `${crypto.randomUUID()}#enforce`,
      holder: 'test',
      now: new Date(),
      policy,
      checkBreaker: true,
      cooldown: { key: `TARGET#${crypto.randomUUID()}`, seconds: 0 },
      budgets: [],
    });

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
  });
  afterAll(async () => {
    await local.remove();
    await tables.drop();
  });

  it('pause stops the next reservation, with who and why; resume lets it through', async () => {
    const ledger = new DynamoLedger(tables.doc, tables.stateTable);
    const paused = await run('pause', '--local', '--reason', 'bad rollout in prod-eu');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/PAUSED/);
    expect(await reserve(ledger)).toMatchObject({
      reserved: false,
      code: 'paused',
      reason: expect.stringMatching(/by alice: bad rollout in prod-eu/),
    });
    expect((await run('status', '--local')).stdout).toMatch(/^PAUSED by alice at .+: bad rollout in prod-eu/);
    expect((await run('resume', '--local')).code).toBe(0);
    expect((await reserve(ledger)).reserved).toBe(true);
    expect((await run('status', '--local')).stdout).toBe('running (not paused)\n');
  });

  it('pause without a reason is a usage error and changes nothing', async () => {
    const result = await run('pause', '--local');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pause needs --reason/);
  });

  it('breaker status and resume', async () => {
    const ledger = new DynamoLedger(tables.doc, tables.stateTable);
    for (let i = 0; i < 3; i++) await ledger.recordFailure('flaky', 3, new Date());
    expect((await run('breaker', 'status', 'flaky', '--local')).stdout).toMatch(
      /^flaky: OPEN since .+ \(3 consecutive failed actions\), 3 consecutive failure\(s\)/,
    );
    expect(await reserve(ledger, 'flaky')).toMatchObject({ reserved: false, code: 'circuit-open' });
    expect((await run('breaker', 'resume', 'flaky', '--local')).code).toBe(0);
    expect((await reserve(ledger, 'flaky')).reserved).toBe(true);
    expect((await run('breaker', 'status', 'flaky', '--local', '--output', 'json')).stdout).toContain(
      '"isOpen": false',
    );
  });
});
