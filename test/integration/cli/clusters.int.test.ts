import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoClusterRegistry } from '#adapters/dynamodb/cluster-registry.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

const ROLE = 'arn:aws:iam::210987654321:role/remedy-responder';

/** `remedy clusters ...` end to end: the real CLI, the real SDK, DynamoDB Local through `--local`. */
describe('remedy clusters against DynamoDB Local', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  const run = (...argv: string[]) => remedy(argv, { env: local.env, deps: {} });
  const registry = () =>
    new DynamoClusterRegistry(
      tables.doc,
      tables.policyTable,
      { logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now },
      0,
    );

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
  });
  afterAll(async () => {
    await local.remove();
    await tables.drop();
  });

  it('puts an entry from flags that the function then resolves, and says unchanged the second time', async () => {
    // Prepare
    const argv = ['clusters', 'put', '--local', '--name', 'prod', '--eks-cluster-name', 'prod-eks'];
    const rest = ['--region', 'eu-west-1', '--role-arn', ROLE, '--endpoint', 'https://proxy.internal:8443'];

    // Act
    const first = await run(...argv, ...rest, '--description', 'production');
    const again = await run(...argv, ...rest, '--description', 'production');

    // Assess
    expect(first).toEqual({ code: 0, stdout: 'created prod (EKS prod-eks in eu-west-1)\n', stderr: '' });
    expect(again.stdout).toBe('unchanged prod (EKS prod-eks in eu-west-1)\n');
    expect(await registry().get('prod')).toEqual({
      name: 'prod',
      eksClusterName: 'prod-eks',
      region: 'eu-west-1',
      roleArn: ROLE,
      endpoint: 'https://proxy.internal:8443',
      description: 'production',
    });
  });

  it('puts a list from a file, then lists everything, an invalid record flagged', async () => {
    // Prepare
    const file = join(local.dir, 'clusters.yaml');
    await writeFile(
      file,
      [
        '- name: prod',
        '  eksClusterName: prod-eks-2',
        '  region: eu-west-1',
        '- name: staging',
        '  eksClusterName: staging',
        '  region: us-east-1',
      ].join('\n'),
    );
    await tables.doc.send(
      new PutCommand({
        TableName: tables.policyTable,
        Item: { pk: 'CLUSTERS', sk: 'hand-written', document: { name: 'hand-written', region: 'moon-1' } },
      }),
    );

    // Act
    const put = await run('clusters', 'put', '--local', '--file', file);
    const list = await run('clusters', 'list', '--local');
    const json = await run('clusters', 'list', '--local', '--output', 'json');

    // Assess
    expect(put.stdout).toBe(
      'updated prod (EKS prod-eks-2 in eu-west-1)\ncreated staging (EKS staging in us-east-1)\n',
    );
    expect(list.stdout.split('\n').map((l) => l.split(/ {2,}/))).toEqual([
      ['NAME', 'EKS CLUSTER', 'REGION', 'ROLE', 'ENDPOINT', 'STATUS'],
      ['hand-written', '-', '-', '-', '-', expect.stringMatching(/^INVALID document\.eksClusterName: /)],
      ['prod', 'prod-eks-2', 'eu-west-1', '-', '-', 'ok'],
      ['staging', 'staging', 'us-east-1', '-', '-', 'ok'],
      [''],
    ]);
    expect(list.stderr).toMatch(/1 invalid record/);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'hand-written', valid: false }),
      expect.objectContaining({ name: 'prod', valid: true }),
      expect.objectContaining({ name: 'staging', valid: true }),
    ]);
  });

  it('removes an entry, and refuses to remove one that is not there', async () => {
    // Act
    const removed = await run('clusters', 'remove', 'staging', '--local');
    const again = await run('clusters', 'remove', 'staging', '--local');

    // Assess
    expect(removed).toEqual({ code: 0, stdout: 'removed staging\n', stderr: '' });
    expect(await registry().get('staging')).toBeUndefined();
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `remedy: error: no cluster "staging" in ${tables.policyTable} (known: hand-written, prod)\n`,
    );
  });
});
