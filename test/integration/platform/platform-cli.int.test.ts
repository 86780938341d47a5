import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GetCommand, PutCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { PLATFORM_KEY } from '#domain/policy/platform.js';
import { platformCommand } from '../../../shared/cli/commands/platform.js';
import { policiesCommand } from '../../../shared/cli/commands/policies.js';
import type { CliIo } from '../../../shared/cli/io.js';
import { runCli } from '../../../shared/cli/main.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';
import { writeLocalState } from '../cli/local-state.js';

const EXAMPLE = fileURLToPath(new URL('../../../infra/platform/platform.yaml', import.meta.url));
const NOW = new Date('2026-11-25T12:00:00Z');

/** `remedy platform|policies ...` in-process, with the real SDK against DynamoDB Local through `--local`. */
const remedy = async (env: Record<string, string>, argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    now: () => NOW,
  };
  const code = await runCli(argv, io, {
    platform: async () => platformCommand({}),
    policies: async () => policiesCommand({}),
  });
  return { code, stdout, stderr };
};

const teamPolicy = {
  name: 'shop-crashloop',
  owner: 'shop',
  match: { alertname: 'ShopCrashLooping' },
  target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod', gracePeriodSeconds: 10 },
};

describe('remedy platform against DynamoDB Local', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  const run = (...argv: string[]) => remedy(local.env, argv);
  const layerItem = async () =>
    (await tables.doc.send(new GetCommand({ TableName: tables.policyTable, Key: { ...PLATFORM_KEY } }))).Item;
  const file = async (name: string, content: unknown) => {
    const path = join(local.dir, name);
    await writeFile(path, typeof content === 'string' ? content : stringify(content));
    return path;
  };

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
  });
  afterAll(async () => {
    await local.remove();
    await tables.drop();
  });

  it('shows that there is no layer yet', async () => {
    // Act
    const show = await run('platform', 'show', '--local', '--output', 'json');

    // Assess
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({ state: 'none' });
  });

  it('refuses an invalid layer file naming each field, writing nothing', async () => {
    // Prepare
    const bad = await file('bad.yaml', {
      limits: { minCooldown: 'soon', actions: ['nuke'] },
      teams: { shop: { notify: { slack: { channel: 'shop' } } } },
    });

    // Act
    const apply = await run('platform', 'apply', bad, '--local');

    // Assess
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`${bad}: limits.actions[0]: unknown action type "nuke"`);
    expect(apply.stdout).toContain(`${bad}: limits.minCooldown: invalid duration "soon"`);
    expect(apply.stdout).toContain(`${bad}: teams.shop.notify.slack.channel: must be #name or a channel ID`);
    expect(apply.stderr).toBe('remedy: 3 problems: nothing applied\n');
    expect(await layerItem()).toBeUndefined();
  });

  it('with --dry-run reports the creation and writes nothing', async () => {
    // Act
    const apply = await run('platform', 'apply', EXAMPLE, '--local', '--dry-run');

    // Assess
    expect(apply.code).toBe(0);
    expect(apply.stdout).toBe(`would create platform layer ${EXAMPLE} (dry run: nothing written)\n`);
    expect(await layerItem()).toBeUndefined();
  });

  it('applies the example layer, then show prints it', async () => {
    // Act
    const apply = await run('platform', 'apply', EXAMPLE, '--local');
    const show = await run('platform', 'show', '--local');
    const json = JSON.parse((await run('platform', 'show', '--local', '--output', 'json')).stdout);

    // Assess
    expect(apply).toEqual({ code: 0, stdout: `created platform layer ${EXAMPLE}\n`, stderr: '' });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(
      `# platform layer in ${tables.policyTable}, updated ${NOW.toISOString()}\n`,
    );
    expect(show.stdout).toMatch(/\n {2}minCooldown: 1m\n/);
    expect(json).toMatchObject({ state: 'valid', updatedAt: NOW.toISOString() });
    expect(json.document.teams.shop.notify.slack.channel).toBe('#shop-oncall');
  });

  it('applies the same file again as unchanged', async () => {
    // Prepare
    const before = await layerItem();

    // Act
    const apply = await run('platform', 'apply', EXAMPLE, '--local');

    // Assess
    expect(apply.stdout).toBe(`unchanged platform layer ${EXAMPLE}\n`);
    expect(await layerItem()).toEqual(before);
  });

  it('`policies apply` stores a team policy that fits, and the function serves it routed to its team', async () => {
    // Prepare
    const path = await file('shop-crashloop.yaml', teamPolicy);

    // Act
    const apply = await run('policies', 'apply', path, '--local', '--yes');
    const store = new DynamoPolicyStore(
      tables.doc,
      tables.policyTable,
      { logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now },
      0,
    );
    const [served] = await store.forAlertname('ShopCrashLooping');

    // Assess
    expect(apply.code).toBe(0);
    expect(served?.notify?.slack?.channel).toBe('#shop-oncall');
    expect(served?.notify?.ticket?.jira.project).toBe('SHOP');
  });

  it('`policies apply` rejects a policy that loosens the layer, naming each rule it breaks', async () => {
    // Prepare
    const path = await file('loose.yaml', {
      ...teamPolicy,
      name: 'loose',
      match: { alertname: 'Loose' },
      action: { type: 'deletePod', gracePeriodSeconds: 300 },
      guard: { cooldown: '10s' },
    });

    // Act
    const apply = await run('policies', 'apply', path, '--local', '--yes');

    // Assess
    expect(apply.code).toBe(1);
    const said = apply.stdout + apply.stderr;
    expect(said).toContain(
      'guard.cooldown 10s is shorter than the platform minimum 1m (platform.limits.minCooldown)',
    );
    expect(said).toContain(
      'action.gracePeriodSeconds 300 exceeds the platform limit 120 (platform.limits.maxGracePeriodSeconds)',
    );
    const list = JSON.parse((await run('policies', 'list', '--local', '--output', 'json')).stdout) as Array<{
      name: string;
    }>;
    expect(list.map((p) => p.name)).toEqual(['shop-crashloop']);
  });

  it('updates the layer with a diff by field, and names the stored policies the new limits break', async () => {
    // Prepare
    const text = (await readFile(EXAMPLE, 'utf8'))
      .replace('maxGracePeriodSeconds: 120', 'maxGracePeriodSeconds: 5')
      .replace('requireOwner: false', 'requireOwner: true');
    const tighter = await file('tighter.yaml', text);

    // Act
    const dry = await run('platform', 'apply', tighter, '--local', '--dry-run');
    const apply = await run('platform', 'apply', tighter, '--local', '--output', 'json');

    // Assess
    expect(dry.stdout).toBe(
      `would update platform layer ${tighter} (dry run: nothing written)\n` +
        '  ~ limits.maxGracePeriodSeconds: 120 → 5\n' +
        '  ~ limits.requireOwner: false → true\n',
    );
    expect(dry.stderr).toBe(
      'remedy: 1 stored policy breaks the new layer; at run time it is clamped to its limits (or runs in dry-run); fix and `policies apply`:\n' +
        '  shop-crashloop: action.gracePeriodSeconds 10 exceeds the platform limit 5 (platform.limits.maxGracePeriodSeconds)\n',
    );
    expect(JSON.parse(apply.stdout)).toMatchObject({
      applied: true,
      change: 'updated',
      diff: ['~ limits.maxGracePeriodSeconds: 120 → 5', '~ limits.requireOwner: false → true'],
      breaking: [{ policy: 'shop-crashloop', message: expect.stringContaining('maxGracePeriodSeconds') }],
    });
    expect((await layerItem())?.document.limits.maxGracePeriodSeconds).toBe(5);
  });

  it('shows an invalid stored layer with its problems and says what the function does about it', async () => {
    // Prepare
    await tables.doc.send(
      new PutCommand({
        TableName: tables.policyTable,
        Item: { ...PLATFORM_KEY, document: { limits: { requireOwner: 'yes' } }, updatedAt: 'then' },
      }),
    );

    // Act
    const show = await run('platform', 'show', '--local');

    // Assess
    expect(show.code).toBe(0);
    expect(show.stderr).toMatch(
      /^remedy: the stored platform layer is INVALID: every policy runs in dry-run/,
    );
    expect(show.stderr).toContain('  limits.requireOwner: ');
  });

  it('exits 2 with the usage for a missing file or an unknown subcommand, opening no table', async () => {
    // Act
    const none = await run('platform', 'apply', '--local');
    const unknown = await run('platform', 'sync', '--local');

    // Assess
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name exactly one platform layer file');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: remedy platform <subcommand>');
  });
});
