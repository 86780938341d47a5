import { describe, expect, it } from 'vitest';
import type { AssumeRole, AwsCredentials } from '#adapters/eks/credentials.js';
import { type EksDeps, eksCommand } from '../../../shared/cli/commands/eks.js';
import type { CliIo } from '../../../shared/cli/io.js';
import { runCli } from '../../../shared/cli/main.js';
import { caseFor, credentialsOf, decodeToken, golden } from './golden.js';

const NOW = new Date(golden.clock);
const KEYS: AwsCredentials = { accessKeyId: golden.accessKeyId, secretAccessKey: golden.secretAccessKey };

/** Runs `remedy <argv>` in-process with a fake environment, captured output and injected AWS access. */
async function remedy(argv: string[], options: { env?: Record<string, string>; deps?: EksDeps } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: options.env ?? {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    now: () => NOW,
  };
  const deps = options.deps ?? { credentials: async () => KEYS };
  const code = await runCli(argv, io, { eks: async () => eksCommand(deps) });
  return { code, stdout, stderr };
}

const tokenArgs = ['eks', 'token', '--cluster', 'sandbox'];
const credentialScopeOf = (stdout: string) =>
  decodeToken((JSON.parse(stdout) as { status: { token: string } }).status.token).searchParams.get(
    'X-Amz-Credential',
  );

describe('remedy eks token', () => {
  it('prints exactly what aws eks get-token printed for the same credentials, region and clock', async () => {
    // Prepare
    const c = caseFor('eu-west-1');

    // Act
    const run = await remedy([...tokenArgs, '--region', 'eu-west-1'], {
      deps: { credentials: async () => credentialsOf(c) },
    });

    // Assess
    expect(run).toEqual({ code: 0, stdout: c.stdout, stderr: '' });
  });

  it.each([
    ['AWS_REGION first', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }, 'eu-west-1'],
    ['then AWS_DEFAULT_REGION', { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-2' }, 'us-west-2'],
    ['else us-east-1', {}, 'us-east-1'],
  ])('takes the region from --region, %s', async (_name, env, region) => {
    // Act
    const run = await remedy(tokenArgs, { env });

    // Assess
    expect(run.code).toBe(0);
    expect(credentialScopeOf(run.stdout)).toBe(`AKIDEXAMPLE/20261125/${region}/sts/aws4_request`);
  });

  it.each([
    [
      'v1 when kubectl asks for v1',
      '{"apiVersion":"client.authentication.k8s.io/v1"}',
      'client.authentication.k8s.io/v1',
      '',
    ],
    [
      'v1beta1 with a warning for garbage',
      'not json',
      'client.authentication.k8s.io/v1beta1',
      'not valid JSON',
    ],
    [
      'v1beta1 with a warning for v2',
      '{"apiVersion":"x/v2"}',
      'client.authentication.k8s.io/v1beta1',
      'unknown apiVersion',
    ],
  ])('answers KUBERNETES_EXEC_INFO with %s', async (_name, execInfo, apiVersion, warning) => {
    // Act
    const run = await remedy([...tokenArgs, '--region', 'us-east-1'], {
      env: { KUBERNETES_EXEC_INFO: execInfo },
    });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`"apiVersion": "${apiVersion}", "spec": {}`);
    if (warning === '') expect(run.stderr).toBe('');
    else expect(run.stderr).toContain(warning);
  });

  it('with --role-arn signs with the assumed role, asking STS in the token region', async () => {
    // Prepare
    const calls: Parameters<AssumeRole>[] = [];
    const assumeRole: AssumeRole = async (...args) => {
      calls.push(args);
      return { accessKeyId: 'ASIAASSUMED', secretAccessKey: 'secret', sessionToken: 'role-session' };
    };
    const roleArn = 'arn:aws:iam::123456789012:role/remedy-eks';

    // Act
    const run = await remedy([...tokenArgs, '--region', 'eu-west-1', '--role-arn', roleArn], {
      deps: { credentials: async () => KEYS, assumeRole },
    });

    // Assess
    expect(run.code).toBe(0);
    expect(calls).toEqual([[roleArn, KEYS, { region: 'eu-west-1', sessionName: 'EKSGetTokenAuth' }]]);
    expect(credentialScopeOf(run.stdout)).toBe('ASIAASSUMED/20261125/eu-west-1/sts/aws4_request');
  });

  it.each([
    ['no --cluster', ['eks', 'token'], /--cluster is required/],
    ['an unknown flag', [...tokenArgs, '--cluster-name', 'x'], /Unknown option '--cluster-name'/],
    ['a stray argument', [...tokenArgs, 'extra'], /Unexpected argument 'extra'/],
    ['a cluster ARN', ['eks', 'token', '--cluster', 'arn:aws:eks:us-east-1:1:cluster/x'], /cluster's name/],
    ['a bad region', [...tokenArgs, '--region', 'US_EAST'], /invalid AWS region/],
    [
      'a role that is not an ARN',
      [...tokenArgs, '--role-arn', 'remedy-eks'],
      /--role-arn must be an IAM role ARN/,
    ],
    ['an unknown subcommand', ['eks', 'login'], /unknown eks subcommand "login"/],
    ['no subcommand', ['eks'], /missing eks subcommand/],
    ['an unknown command', ['deploy'], /unknown command "deploy"/],
    ['no command', [], /missing command/],
  ])('exits 2 with a usage message for %s', async (_name, argv, message) => {
    // Prepare
    const calls: string[] = [];
    const deps: EksDeps = {
      credentials: async () => {
        calls.push('credentials');
        return KEYS;
      },
    };

    // Act
    const run = await remedy(argv, { deps });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: remedy');
    expect(calls).toEqual([]);
  });

  it.each([
    [
      'credentials',
      { credentials: async () => Promise.reject(new Error('no providers')) },
      /could not load AWS credentials: no providers/,
    ],
    [
      'AssumeRole',
      { credentials: async () => KEYS, assumeRole: async () => Promise.reject(new Error('AccessDenied')) },
      /could not assume arn:aws:iam::1:role\/r: AccessDenied/,
    ],
  ])('exits 1 naming the failure when %s fail', async (_name, deps, message) => {
    // Act
    const run = await remedy([...tokenArgs, '--role-arn', 'arn:aws:iam::1:role/r'], { deps });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('prints help on stdout with exit 0', async () => {
    // Act
    const top = await remedy(['--help']);
    const token = await remedy(['eks', 'token', '-h']);

    // Assess
    expect(top).toMatchObject({ code: 0, stderr: '' });
    expect(top.stdout).toMatch(/^usage: remedy <command>[\s\S]*\n {2}eks /);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    expect(token.stdout).toContain(
      'usage: remedy eks token --cluster NAME [--region REGION] [--role-arn ARN]',
    );
  });
});
