import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, ScanCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { readPolicySources, validatePolicySet } from '../../../shared/cli/policy-files.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

const POLICY_DIR = fileURLToPath(new URL('../../../infra/policies', import.meta.url));

/** `remedy policies ...` end to end: the real CLI, the real SDK, DynamoDB Local through `--local`. */
describe('remedy policies against DynamoDB Local', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  let exampleNames: string[];
  const run = (...argv: string[]) => remedy(argv, { env: local.env, deps: {} });
  const listed = async () =>
    JSON.parse((await run('policies', 'list', '--local', '--output', 'json')).stdout) as Array<{
      name: string;
      valid: boolean;
      updatedAt: string;
      problem?: string;
    }>;
  const items = async () =>
    (await tables.doc.send(new ScanCommand({ TableName: tables.policyTable }))).Items ?? [];

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
    const examples = validatePolicySet(await readPolicySources([POLICY_DIR]));
    if (!examples.ok) throw new Error(`infra/policies is invalid: ${JSON.stringify(examples.problems)}`);
    exampleNames = examples.policies.map((p) => p.policy.name).sort();
  });
  afterAll(async () => {
    await local.remove();
    await tables.drop();
  });

  it('applies infra/policies: a created line per policy, and list (and the function) see them', async () => {
    // Act
    const apply = await run('policies', 'apply', POLICY_DIR, '--local', '--yes');
    const list = await run('policies', 'list', '--local');

    // Assess
    expect(apply.code).toBe(0);
    expect(apply.stdout.split('\n').filter((l) => l.startsWith('created ')).length).toBe(exampleNames.length);
    expect(apply.stdout).toContain(`${exampleNames.length} created in ${tables.policyTable}\n`);
    expect((await listed()).map((p) => [p.name, p.valid])).toEqual(
      expect.arrayContaining(exampleNames.map((n) => [n, true])),
    );
    expect(list.stdout).toMatch(/\nrestart-crashlooping-pod +KubePodCrashLooping +100 +deletePod +ok\n/);
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);
    expect((await store.forAlertname('KubePodCrashLooping')).map((p) => p.name)).toEqual([
      'restart-crashlooping-pod',
    ]);
  });

  it('applies the same set again as all unchanged, without writing', async () => {
    // Prepare
    const before = await items();

    // Act
    const apply = await run('policies', 'apply', POLICY_DIR, '--local', '--output', 'json', '--yes');

    // Assess
    expect(apply.code).toBe(0);
    const report = JSON.parse(apply.stdout) as { changes: Array<{ change: string }> };
    expect(report.changes.map((c) => c.change)).toEqual(exampleNames.map(() => 'unchanged'));
    expect(await items()).toEqual(before);
  });

  it('with --dry-run reports updates and removals but writes nothing', async () => {
    // Prepare
    const subset = await subsetWith(local.dir, 'dry', (text) =>
      text.replace('priority: 100', 'priority: 150'),
    );
    const before = await items();

    // Act
    const dry = await run('policies', 'apply', subset, '--local', '--prune', '--dry-run');

    // Assess
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would update restart-crashlooping-pod [KubePodCrashLooping] ${subset}/`);
    expect(dry.stdout).toMatch(/\nwould remove notify-pod-not-ready \[KubePodNotReady\]\n/);
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect(await items()).toEqual(before);
  });

  it('keeps stored policies outside the set without --prune, and removes them with it', async () => {
    // Prepare
    const subset = await subsetWith(local.dir, 'prune', (text) => text);

    // Act
    const kept = await run('policies', 'apply', subset, '--local', '--yes');
    const pruned = await run('policies', 'apply', subset, '--local', '--prune', '--yes');

    // Assess
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(
      /stored polic(y|ies) not in the set kept .*notify-pod-not-ready.*; --prune removes/,
    );
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^removed notify-pod-not-ready \[KubePodNotReady\]$/m);
    expect((await listed()).map((p) => p.name)).toEqual(['restart-crashlooping-pod']);
  });

  it('lists a record written directly into the table as invalid, and --prune removes it; cluster entries stay', async () => {
    // Prepare
    await tables.doc.send(
      new PutCommand({
        TableName: tables.policyTable,
        Item: {
          pk: 'POLICY#KubePodCrashLooping',
          sk: 'hand-written',
          document: { name: 'hand-written', action: { type: 'nuke' } },
        },
      }),
    );
    await run(
      'clusters',
      'put',
      '--local',
      '--name',
      'sandbox',
      '--eks-cluster-name',
      'sandbox',
      '--region',
      'us-east-1',
    );
    const subset = await subsetWith(local.dir, 'invalid', (text) => text);

    // Act
    const list = await run('policies', 'list', '--local');
    const json = await listed();
    const pruned = await run('policies', 'apply', subset, '--local', '--prune', '--yes');

    // Assess
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\nhand-written +KubePodCrashLooping +- +- +INVALID document\.match: /);
    expect(list.stdout).not.toMatch(/^sandbox/m);
    expect(list.stderr).toMatch(/1 invalid record: the function skips it/);
    expect(json.find((p) => p.name === 'hand-written')).toMatchObject({
      valid: false,
      problem: expect.stringContaining('document.action.type'),
    });
    expect(pruned.stdout).toMatch(/^removed hand-written \[KubePodCrashLooping\]$/m);
    expect((await listed()).map((p) => p.name)).toEqual(['restart-crashlooping-pod']);
    expect((await run('clusters', 'list', '--local')).stdout).toMatch(/\nsandbox +sandbox +us-east-1 /);
  });

  it('finds the table through POLICY_TABLE and DYNAMODB_ENDPOINT without --local', async () => {
    // Act
    const list = await remedy(['policies', 'list', '--output', 'json'], {
      env: { POLICY_TABLE: tables.policyTable, DYNAMODB_ENDPOINT: tables.endpoint, AWS_REGION: 'us-east-1' },
      deps: { credentials: async () => ({ ...LOCAL_CREDENTIALS }) },
    });

    // Assess
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((p) => p.name)).toEqual([
      'restart-crashlooping-pod',
    ]);
  });

  it('exits 1 naming the table when it does not exist', async () => {
    // Act
    const list = await run('policies', 'list', '--local', '--table-policies', 'no-such-table');

    // Assess
    expect(list.code).toBe(1);
    expect(list.stderr).toBe(
      `remedy: error: could not read policies from table no-such-table (${tables.endpoint}): the table does not exist there (check the name and region)\n`,
    );
  });
});

/** A policy folder with restart-crashlooping-pod (edited by `edit`) only. */
async function subsetWith(root: string, name: string, edit: (text: string) => string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  const file = join(POLICY_DIR, 'restart-crashlooping-pod.yaml');
  await writeFile(join(dir, 'restart-crashlooping-pod.yaml'), edit(await readFile(file, 'utf8')));
  return dir;
}

const observe = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now });
