import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import type { AuditRecord } from '#domain/audit.js';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { runCli } from '../../../shared/cli/main.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';

/** `remedy stats` against DynamoDB Local, through a local.json as `npm start` writes it. */
describe('remedy stats', () => {
  let tables: TestTables;
  let localJson: string;
  const now = new Date('2026-11-25T12:00:00.000Z');

  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['stats', '--local', ...args], {
      env: { REMEDY_LOCAL_JSON: localJson },
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      now: () => now,
    });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    tables = await createTestTables();
    localJson = join(mkdtempSync(join(tmpdir(), 'remedy-stats-')), 'local.json');
    writeFileSync(
      localJson,
      JSON.stringify({
        sns: { region: 'us-east-1', ...LOCAL_CREDENTIALS },
        dynamodb: {
          endpoint: tables.endpoint,
          policyTable: tables.policyTable,
          stateTable: tables.stateTable,
        },
      }),
    );
    const store = new DynamoOutcomes(tables.doc, tables.stateTable);
    const verdict = async (
      policy: string,
      i: number,
      v: 'recovered' | 'not-recovered' | 'inconclusive' | undefined,
      seconds?: number,
    ) => {
      const actedAt = new Date(now.getTime() - (i + 1) * 3_600_000).toISOString();
      const episode = `${policy}-${i}#2026-11-25T00:00:00Z`;
      await store.actionTaken({ episode, policy, actedAt, target: `sandbox/demo/Pod/web-${i}` });
      if (!v) return;
      const audit: AuditRecord = { at: actedAt, outcome: v, code: 'test', reason: 'test', episode, policy };
      await store.recordVerdict({
        episode,
        policy,
        actedAt,
        target: `sandbox/demo/Pod/web-${i}`,
        verdict: v,
        at: actedAt,
        ...(seconds !== undefined ? { secondsToRecovery: seconds } : {}),
        audit,
      });
    };
    await verdict('restart-crashlooping-pod', 0, 'recovered', 60);
    await verdict('restart-crashlooping-pod', 1, 'recovered', 180);
    await verdict('restart-crashlooping-pod', 2, 'not-recovered');
    await verdict('restart-crashlooping-pod', 3, undefined);
    await verdict('restart-crashlooping-pod', 24 * 10, 'recovered', 5); // 10 days ago: outside 7d
    await verdict('rollback-bad-release', 0, 'inconclusive');
  });
  afterAll(async () => tables?.drop());

  it('tables every policy that acted, over the last 7 days by default', async () => {
    const { code, stdout } = await run();
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('since 2026-11-18T12:00:00.000Z');
    expect(lines[1]).toMatch(
      /^POLICY\s+ACTIONS\s+RECOVERED\s+NOT RECOVERED\s+INCONCLUSIVE\s+UNVERIFIED\s+RECOVERY RATE\s+MEDIAN TO RECOVERY$/,
    );
    expect(lines.find((l) => l.startsWith('restart-crashlooping-pod'))?.split(/\s{2,}/)).toEqual([
      'restart-crashlooping-pod',
      '4',
      '2',
      '1',
      '0',
      '1',
      '67%',
      '2m',
    ]);
    expect(lines.find((l) => l.startsWith('rollback-bad-release'))).toMatch(/\s1\s+0\s+0\s+1\s+0\s+—\s+—$/);
  });

  it('--policy --since --json: one policy, one window, machine-readable', async () => {
    const { code, stdout } = await run('--policy', 'restart-crashlooping-pod', '--since', '30d', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      since: '2026-10-26T12:00:00.000Z',
      until: '2026-11-25T12:00:00.000Z',
      policies: [
        {
          policy: 'restart-crashlooping-pod',
          actions: 5,
          recovered: 3,
          notRecovered: 1,
          inconclusive: 0,
          unverified: 1,
          recoveryRate: 0.75,
          medianSecondsToRecovery: 60,
        },
      ],
    });
  });

  it('a bad --since is a usage error naming the flag', async () => {
    const { code, stderr } = await run('--since', 'last week');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--since must be a duration ago/);
  });
});
