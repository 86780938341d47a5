import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { alertFingerprint } from '../../../shared/cli/fire-message.js';
import { type E2e, startE2e, waitFor } from '../../support/e2e.js';
import { remedy } from '../../unit/cli/run-cli.js';

const CRASH_LOOP_POLICY = 'infra/policies/restart-crashlooping-pod.yaml';

/**
 * The operator's loop against the local stack as `npm start` runs it (free ports, its own tables): `fire --local`
 * publishes through the local SNS endpoint, the real function acts on the sandbox, and `audit`, `policy explain`,
 * `replay` and `policy get/delete/apply` read (and change) what it left, all through `--local`.
 */
describe('remedy --local against the local stack', () => {
  let e2e: E2e;
  let dir: string;
  let env: Record<string, string>;
  const run = (...argv: string[]) => remedy(argv, { env, deps: {}, now: () => new Date() });
  const pods = () =>
    (e2e.stack.sandbox?.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);

  beforeAll(async () => {
    e2e = await startE2e();
    dir = await mkdtemp(join(tmpdir(), 'remedy-cli-stack-'));
    env = { REMEDY_LOCAL_JSON: e2e.stack.localJson, USER: 'alice' };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await e2e?.stop();
  });

  it('fire → the function acts → audit, explain and replay tell the story', async () => {
    const [victim] = pods();
    if (!victim) throw new Error('the sandbox has no pods');
    const labels = ['--label', 'namespace=demo', '--label', `pod=${victim}`, '--label', 'severity=warning'];

    const fired = await run('fire', '--local', '--alertname', 'KubePodCrashLooping', ...labels);
    expect(fired.stderr).toBe('');
    expect(fired.code).toBe(0);
    expect(fired.stdout).toMatch(
      /^published \[FIRING:1\] KubePodCrashLooping to arn:aws:sns:us-east-1:\d{12}:\S+: MessageId \S+\n/,
    );
    await waitFor('the crash-looping pod to be deleted', () => !pods().includes(victim));
    await e2e.stack.sns.idle();

    // audit: the table for people, the records for scripts.
    const table = await run('audit', '--local', '--since', '10m');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^AT +OUTCOME +CODE +POLICY +TARGET +REASON\n/);
    expect(table.stdout).toMatch(
      new RegExp(`acted +deletePod +restart-crashlooping-pod +sandbox/demo/Pod/${victim} +deleted pod`),
    );
    const json = await run(
      'audit',
      '--local',
      '--since',
      '10m',
      '--json',
      '--target',
      `sandbox/demo/Pod/${victim}`,
    );
    const records = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    const [acted] = records;
    const alertLabels = {
      alertname: 'KubePodCrashLooping',
      namespace: 'demo',
      pod: victim,
      severity: 'warning',
    };
    expect(acted).toMatchObject({
      outcome: 'acted',
      policy: 'restart-crashlooping-pod',
      // The fingerprint Alertmanager would give the same labels: the same alert is the same episode.
      fingerprint: alertFingerprint(alertLabels),
      alert: { labels: alertLabels },
    });
    expect(acted).not.toHaveProperty('pk');

    // explain: the same alert again would be stopped by its claim and by the target's cooldown; the policy
    // budget counted the action. These are the keys the function reserved, read back.
    const alertFile = join(dir, 'alert.json');
    await writeFile(alertFile, JSON.stringify({ labels: alertLabels, startsAt: acted?.startsAt }));
    const explain = await run('policy', 'explain', '--local', '--alert', alertFile);
    expect(explain.stderr).toBe('');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('mode: enforce (the local stack)\n');
    expect(explain.stdout).toMatch(/→ +restart-crashlooping-pod +100 +the only policy whose matchers hold/);
    expect(explain.stdout).toContain(`target: sandbox/demo/Pod/${victim}\n`);
    expect(explain.stdout).toMatch(
      /STOP +episode claim +this episode was already handled by .* \(acted deletePod\)/,
    );
    expect(explain.stdout).toMatch(
      /STOP +cooldown +target cooling down for \d+m\d*s? more|STOP +cooldown +target cooling down/,
    );
    expect(explain.stdout).toMatch(/ok +policy budget +1 of 10 used/);
    expect(explain.stdout).toMatch(/ok +cluster budget +1 of 30 used/);
    expect(explain.stdout).toMatch(/verdict: skipped duplicate: episode claim: /);

    // replay with the stored policies: nothing changes.
    const same = await run('replay', '--local', '--since', '10m');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^AT +ALERT +THEN +NOW/);
    expect(same.stdout).toMatch(/1 alert replayed: 0 changed, 1 unchanged/);

    // replay with a policy change not yet applied: the same alert would now be evicted.
    const changedDir = join(dir, 'policies');
    await rm(changedDir, { recursive: true, force: true });
    await mkdir(changedDir);
    await copyFile(CRASH_LOOP_POLICY, join(changedDir, 'crash.yaml'));
    const text = await readFile(join(changedDir, 'crash.yaml'), 'utf8');
    await writeFile(join(changedDir, 'crash.yaml'), text.replace('type: deletePod', 'type: evictPod'));
    const changed = await run('replay', '--local', '--since', '10m', '--policies', changedDir, '--json');
    expect(changed.code).toBe(0);
    const lines = changed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      changed: true,
      recorded: { outcome: 'acted', code: 'deletePod' },
      now: { kind: 'act', action: 'evictPod', policy: 'restart-crashlooping-pod' },
    });
    expect(lines.at(-1)).toMatchObject({
      summary: {
        replayed: 1,
        changed: 1,
        changes: [
          {
            from: 'act deletePod (restart-crashlooping-pod)',
            to: 'act evictPod (restart-crashlooping-pod)',
            alerts: 1,
          },
        ],
      },
    });
  });

  it('policy get, delete and apply round-trip a stored policy through YAML', async () => {
    const got = await run('policy', 'get', 'restart-crashlooping-pod', '--local');
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^name: restart-crashlooping-pod\n/m);
    const file = join(dir, 'got.yaml');
    await writeFile(file, got.stdout);

    const refused = await run('policy', 'delete', 'restart-crashlooping-pod', '--local');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no terminal to confirm on: pass --yes/);
    const deleted = await run('policy', 'delete', 'restart-crashlooping-pod', '--local', '--yes');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('removed restart-crashlooping-pod [KubePodCrashLooping]\n');
    expect((await run('policy', 'get', 'restart-crashlooping-pod', '--local')).code).toBe(1);

    const applied = await run('policy', 'apply', file, '--local', '--yes');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('created restart-crashlooping-pod [KubePodCrashLooping]');
    expect((await run('policy', 'get', 'restart-crashlooping-pod', '--local')).stdout).toBe(got.stdout);
  });

  it('eks token signs a token the sandbox (an EKS cluster to remedy) accepts', async () => {
    const sandbox = e2e.stack.sandbox;
    if (!sandbox) throw new Error('no sandbox');
    const token = await remedy(['eks', 'token', '--cluster', 'sandbox', '--region', 'us-east-1'], {
      eks: { credentials: async () => ({ ...LOCAL_CREDENTIALS }) },
      // The sandbox checks the presigned request's time, as STS does.
      now: () => new Date(),
    });
    expect(token.code).toBe(0);
    const credential = JSON.parse(token.stdout) as { status: { token: string } };
    expect(credential.status.token).toMatch(/^k8s-aws-v1\./);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${sandbox.url}/api/v1/namespaces/demo/pods`,
        {
          ca: Buffer.from(sandbox.caData, 'base64'),
          headers: { authorization: `Bearer ${credential.status.token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });

  it('cluster list, pause and status read the same stack', async () => {
    const clusters = await run('cluster', 'list', '--local');
    expect(clusters.stdout).toMatch(/^sandbox +sandbox +us-east-1 /m);
    expect((await run('pause', '--local', '--reason', 'stack test')).code).toBe(0);
    expect((await run('status', '--local')).stdout).toMatch(/^PAUSED by alice at .+: stack test\n$/);
    expect((await run('resume', '--local')).code).toBe(0);
  });
});
