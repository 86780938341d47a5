import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlatform } from '#adapters/dynamodb/platform-store.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

/** `policy apply` checks the whole set against the stored platform layer before its first write. */
describe('remedy policy apply under a platform layer (DynamoDB Local)', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  let dir: string;
  const run = (...argv: string[]) => remedy(argv, { env: local.env, deps: {} });

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
    dir = await mkdtemp(join(tmpdir(), 'remedy-apply-platform-'));
    await writePlatform(
      tables.doc,
      tables.policyTable,
      { limits: { minCooldown: '30m' } },
      '2026-11-25T00:00:00Z',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await local.remove();
    await tables.drop();
  });

  it('refuses a set with one policy that loosens a limit, writing none of it', async () => {
    const fast = join(dir, 'fast.yaml');
    const text = await readFile('infra/policies/restart-crashlooping-pod.yaml', 'utf8');
    await writeFile(fast, text.replace('  dryRun: false', '  dryRun: false\n  cooldown: 5m'));

    const apply = await run(
      'policy',
      'apply',
      'infra/policies/notify-pod-not-ready.yaml',
      fast,
      '--local',
      '--yes',
    );

    expect(apply.code).toBe(1);
    expect(apply.stdout).toBe(
      `${fast}: guard.cooldown 5m is shorter than the platform minimum 30m (platform.limits.minCooldown)\n`,
    );
    expect(apply.stderr).toBe('remedy: 1 problem: the set loosens the platform layer: nothing applied\n');
    expect((await run('policy', 'list', '--local')).stdout).toBe(`no policies in ${tables.policyTable}\n`);
  });

  it('applies a set that fits, inherited defaults tightened rather than refused', async () => {
    const apply = await run(
      'policy',
      'apply',
      'infra/policies/restart-crashlooping-pod.yaml',
      '--local',
      '--yes',
    );
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('1 created in ');
  });
});
