import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../shared/cli/io.js';
import { resolveTableTarget } from '../../../shared/cli/table-target.js';
import { NOW, remedy } from './run-cli.js';

const ioWith = (env: Record<string, string>): CliIo => ({
  env,
  stdout: () => {},
  stderr: () => {},
  now: () => NOW,
});
const SECRET = 'local-secret-never-printed';

describe('resolveTableTarget', () => {
  let dir: string;
  let localJson: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remedy-cli-'));
    localJson = join(dir, 'local.json');
    await writeFile(
      localJson,
      JSON.stringify({
        sns: {
          endpoint: 'http://127.0.0.1:4002/',
          region: 'us-east-1',
          accessKeyId: 'AKIALOCAL',
          secretAccessKey: SECRET,
        },
        dynamodb: {
          endpoint: 'http://127.0.0.1:8000',
          policyTable: 'remedy-policies-local',
          stateTable: 's',
        },
        kubeconfig: '/x',
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the environment the functions use, and the SDK region order', async () => {
    // Act
    const target = await resolveTableTarget(
      {},
      ioWith({
        POLICY_TABLE: 'p',
        DYNAMODB_ENDPOINT: 'http://ddb:8000',
        AWS_REGION: '',
        AWS_DEFAULT_REGION: 'eu-west-1',
      }),
      'usage',
    );

    // Assess
    expect(target).toEqual({ table: 'p', endpoint: 'http://ddb:8000', region: 'eu-west-1' });
  });

  it('with --local takes endpoint, table, region and credentials from local.json; flags still win', async () => {
    // Prepare
    const io = ioWith({ REMEDY_LOCAL_JSON: localJson, POLICY_TABLE: 'ignored', AWS_REGION: 'eu-west-1' });

    // Act
    const local = await resolveTableTarget({ local: true }, io, 'usage');
    const flagged = await resolveTableTarget({ local: true, table: 'other' }, io, 'usage');

    // Assess
    expect(local).toEqual({
      table: 'remedy-policies-local',
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: SECRET },
    });
    expect(flagged.table).toBe('other');
  });

  it('fails with exit 1 naming the file when the local stack never ran, and never prints its secrets', async () => {
    // Prepare
    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ sns: { secretAccessKey: SECRET } }));

    // Act
    const missing = await remedy(['policies', 'list', '--local'], {
      env: { REMEDY_LOCAL_JSON: join(dir, 'none.json') },
    });
    const malformed = await remedy(['policies', 'list', '--local'], { env: { REMEDY_LOCAL_JSON: broken } });

    // Assess
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `no local stack state at ${join(dir, 'none.json')}: start the local stack with \`npm start\``,
    );
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/is not a local stack state file: sns\.region: /);
    expect(malformed.stderr).not.toContain(SECRET);
  });
});
