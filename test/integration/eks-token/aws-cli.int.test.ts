import { describe, expect, it } from 'vitest';
import { createEksToken } from '#adapters/eks/token.js';
import { formatExecCredential } from '../../../shared/cli/exec-credential.js';
import { CLOCK_DATE, frozen, hostOf, KEYS, requireTools, SESSION_TOKEN, tokenOf } from './tools.js';

// Golden comparison with the real `aws eks get-token` under a frozen clock. CI needs: apt-get install -y awscli
// faketime (Debian's awscli is v2). A missing tool fails the test with that hint; nothing is skipped.

const CASES = [
  { name: 'us-east-1, long-term key', region: 'us-east-1' },
  { name: 'us-east-1, session token', region: 'us-east-1', sessionToken: SESSION_TOKEN },
  { name: 'eu-west-1, long-term key', region: 'eu-west-1' },
  { name: 'eu-west-1, session token', region: 'eu-west-1', sessionToken: SESSION_TOKEN },
] as const;

const ours = (region: string, sessionToken?: string) =>
  createEksToken({
    clusterName: 'sandbox',
    region,
    credentials: sessionToken === undefined ? KEYS : { ...KEYS, sessionToken },
    now: CLOCK_DATE,
  });

const remedyCli = (args: string[], options: Parameters<typeof frozen>[2] = {}) =>
  frozen('npx', ['tsx', 'shared/cli/main.ts', 'eks', 'token', ...args], options);

// Each test starts Python (the aws CLI) and tsx a few times: about 3 s idle, over 10 s on a loaded CI machine.
describe('EKS token vs the real aws CLI (faketime)', { timeout: 120_000 }, () => {
  it.each(CASES)(
    '$name: every installed aws CLI signs for regional STS, byte-identical to ours',
    async (c) => {
      // Prepare
      const { all } = requireTools();
      const sessionToken = 'sessionToken' in c ? c.sessionToken : undefined;
      const args = ['eks', 'get-token', '--cluster-name', 'sandbox', '--region', c.region];

      // Act
      const printed = await Promise.all(
        all.map(async (cli) => ({ cli, token: tokenOf(await frozen(cli.path, args, { sessionToken })) })),
      );
      const expected = ours(c.region, sessionToken).token;

      // Assess
      expect(printed.length).toBeGreaterThan(0);
      for (const { cli, token } of printed) {
        expect(hostOf(token), `${cli.path} (${cli.version}) STS host`).toBe(`sts.${c.region}.amazonaws.com`);
        expect(token, `${cli.path} (${cli.version}) token`).toBe(expected);
      }
    },
  );

  it.each(CASES)('$name: our ExecCredential line equals aws CLI v2 stdout', async (c) => {
    // Prepare
    const { v2 } = requireTools();
    const sessionToken = 'sessionToken' in c ? c.sessionToken : undefined;
    const signed = ours(c.region, sessionToken);

    // Act
    const printed = await frozen(
      v2.path,
      ['eks', 'get-token', '--cluster-name', 'sandbox', '--region', c.region],
      {
        sessionToken,
      },
    );
    const formatted = formatExecCredential({ apiVersion: 'client.authentication.k8s.io/v1beta1', ...signed });

    // Assess
    expect(formatted).toBe(printed);
  });

  it('`remedy eks token` prints exactly what `aws eks get-token` (v2) prints', async () => {
    // Prepare
    const { v2 } = requireTools();

    // Act
    const [theirs, mine] = await Promise.all([
      frozen(v2.path, ['eks', 'get-token', '--cluster-name', 'sandbox', '--region', 'us-east-1']),
      remedyCli(['--cluster', 'sandbox', '--region', 'us-east-1']),
    ]);

    // Assess
    expect(theirs).toMatch(/^\{"kind": "ExecCredential", /);
    expect(mine).toBe(theirs);
  });

  it('`remedy eks token` matches with a session token, AWS_REGION and KUBERNETES_EXEC_INFO asking for v1', async () => {
    // Prepare
    const { v2 } = requireTools();
    const env = {
      AWS_REGION: 'eu-west-1',
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: 'ExecCredential',
        apiVersion: 'client.authentication.k8s.io/v1',
        spec: { interactive: false },
      }),
    };
    const options = { sessionToken: SESSION_TOKEN, env };

    // Act
    const [theirs, mine] = await Promise.all([
      frozen(v2.path, ['eks', 'get-token', '--cluster-name', 'sandbox'], options),
      remedyCli(['--cluster', 'sandbox'], options),
    ]);

    // Assess
    expect(theirs).toContain('"apiVersion": "client.authentication.k8s.io/v1", ');
    expect(hostOf(tokenOf(theirs))).toBe('sts.eu-west-1.amazonaws.com');
    expect(mine).toBe(theirs);
  });
});
