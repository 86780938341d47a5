import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryTable, remedy, TABLE_ENV } from './run-cli.js';

const ROLE = 'arn:aws:iam::210987654321:role/remedy-responder';
const prod = ['--name', 'prod', '--eks-cluster-name', 'prod-eks', '--region', 'eu-west-1'];

describe('remedy clusters: command lines that cannot run', () => {
  it.each([
    ['no subcommand', ['clusters'], /missing clusters subcommand/],
    ['an unknown subcommand', ['clusters', 'add'], /unknown clusters subcommand "add"/],
    [
      'put without the required flags',
      ['clusters', 'put', '--name', 'x'],
      /--eks-cluster-name, --region required \(or --file FILE\)/,
    ],
    [
      'put with a bad region',
      ['clusters', 'put', ...prod.slice(0, 4), '--region', 'Europe'],
      /--region: must be an AWS region like eu-west-1/,
    ],
    [
      'put with a bad role',
      ['clusters', 'put', ...prod, '--role-arn', 'remedy'],
      /--role-arn: must be an IAM role ARN/,
    ],
    [
      'put with an http endpoint',
      ['clusters', 'put', ...prod, '--endpoint', 'http://k8s'],
      /--endpoint: must be an https:\/\/ URL/,
    ],
    [
      'put with a bad name',
      ['clusters', 'put', '--name', 'Prod', ...prod.slice(2)],
      /--name: must be lowercase/,
    ],
    [
      'put with --file and flags',
      ['clusters', 'put', '--file', 'x.yaml', '--name', 'x'],
      /--file cannot be combined with --name/,
    ],
    ['remove without a name', ['clusters', 'remove'], /name exactly one cluster to remove/],
    ['remove with two names', ['clusters', 'remove', 'a', 'b'], /name exactly one cluster to remove/],
    ['list without a table', ['clusters', 'list'], /no policies table/],
  ])('exits 2 with the usage for %s, opening no table', async (_name, argv, message) => {
    // Act
    const run = await remedy(argv, { env: argv.includes('list') ? {} : TABLE_ENV });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: remedy clusters <subcommand>');
  });
});

describe('remedy clusters put --file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remedy-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports each bad entry of a list with its index and field, writing none', async () => {
    // Prepare
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        '- { name: ok, eksClusterName: ok, region: eu-west-1 }',
        '- { name: two, eksClusterName: two, region: eu-west-1, roleArn: nope }',
        '- { name: ok, eksClusterName: again, region: eu-west-1 }',
        '- { name: three, eksClusterName: three, region: eu-west-1, kubeconfig: x }',
      ].join('\n'),
    );
    const table = memoryTable();

    // Act
    const run = await remedy(['clusters', 'put', '--file', file], { env: TABLE_ENV, deps: table.deps });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        `${file}: [1].roleArn: must be an IAM role ARN`,
        `${file}: [2].name: "ok" is also entry [0]`,
        `${file}: [3]: Unrecognized key: "kubeconfig"`,
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe('remedy: 3 problems: nothing written\n');
    expect(table.opened()).toBe(0);
  });

  it('writes one entry or a list, saying what changed', async () => {
    // Prepare
    const one = join(dir, 'one.yaml');
    await writeFile(one, `name: prod\neksClusterName: prod-eks\nregion: eu-west-1\nroleArn: ${ROLE}\n`);
    const list = join(dir, 'list.json');
    await writeFile(
      list,
      JSON.stringify([
        { name: 'prod', eksClusterName: 'prod-eks', region: 'eu-west-1', roleArn: ROLE },
        { name: 'staging', eksClusterName: 'staging-eks', region: 'eu-west-1' },
      ]),
    );
    const table = memoryTable();

    // Act
    const first = await remedy(['clusters', 'put', '--file', one], { env: TABLE_ENV, deps: table.deps });
    const second = await remedy(['clusters', 'put', '--file', list, '--output', 'json'], {
      env: TABLE_ENV,
      deps: table.deps,
    });

    // Assess
    expect(first).toEqual({ code: 0, stdout: 'created prod (EKS prod-eks in eu-west-1)\n', stderr: '' });
    expect(JSON.parse(second.stdout)).toEqual({
      table: 'remedy-policies-unit',
      changes: [
        { change: 'unchanged', name: 'prod' },
        { change: 'created', name: 'staging' },
      ],
    });
    expect(table.writes).toEqual(['put CLUSTERS/prod', 'put CLUSTERS/staging']);
  });
});

describe('remedy clusters put, list and remove (in-memory table)', () => {
  it('puts from flags, lists with invalid records flagged, removes, and refuses an unknown name', async () => {
    // Prepare
    const table = memoryTable([
      { pk: 'CLUSTERS', sk: 'broken', document: { name: 'broken', region: 'mars' } },
    ]);
    const opts = { env: TABLE_ENV, deps: table.deps };

    // Act
    const put = await remedy(
      ['clusters', 'put', ...prod, '--role-arn', ROLE, '--description', 'production'],
      opts,
    );
    const update = await remedy(['clusters', 'put', ...prod], opts);
    const list = await remedy(['clusters', 'list'], opts);
    const removed = await remedy(['clusters', 'remove', 'prod'], opts);
    const missing = await remedy(['clusters', 'remove', 'prod'], opts);

    // Assess
    expect(put.stdout).toBe('created prod (EKS prod-eks in eu-west-1)\n');
    expect(update.stdout).toBe('updated prod (EKS prod-eks in eu-west-1)\n');
    expect(list.stdout).toMatch(/^NAME +EKS CLUSTER +REGION +ROLE +ENDPOINT +STATUS\n/);
    expect(list.stdout).toMatch(/\nbroken +- +- +- +- +INVALID document\.eksClusterName: /);
    expect(list.stdout).toMatch(/\nprod +prod-eks +eu-west-1 +- +- +ok\n/);
    expect(list.stderr).toMatch(/1 invalid record/);
    expect(removed).toEqual({ code: 0, stdout: 'removed prod\n', stderr: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('remedy: error: no cluster "prod" in remedy-policies-unit (known: broken)\n');
    expect(table.writes).toEqual(['put CLUSTERS/prod', 'put CLUSTERS/prod', 'delete CLUSTERS/prod']);
  });
});
