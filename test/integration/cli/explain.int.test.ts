import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import type { AuditRecord } from '#domain/audit.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { remedy } from '../../unit/cli/run-cli.js';
import { writeLocalState } from './local-state.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const CRASH_LOOP = 'infra/policies/restart-crashlooping-pod.yaml';
const LABELS = { alertname: 'KubePodCrashLooping', namespace: 'demo', pod: 'web-1', severity: 'warning' };

/** `remedy policy explain` and `remedy replay` with stored policies and guardrail state in DynamoDB Local. */
describe('remedy policy explain / replay against DynamoDB Local', () => {
  let tables: TestTables;
  let local: Awaited<ReturnType<typeof writeLocalState>>;
  let dir: string;
  let alertFile: string;
  const run = (...argv: string[]) => remedy(argv, { env: local.env, deps: {}, now: () => NOW });
  const explain = (...argv: string[]) =>
    run('policy', 'explain', '--local', '--alert', alertFile, '--mode', 'enforce', ...argv);

  beforeAll(async () => {
    tables = await createTestTables();
    local = await writeLocalState(tables);
    dir = await mkdtemp(join(tmpdir(), 'remedy-explain-'));
    alertFile = join(dir, 'alert.json');
    await writeFile(alertFile, JSON.stringify({ labels: LABELS, startsAt: '2026-11-25T11:55:00.000Z' }));
    // A second policy for the same alert that only takes critical alerts: it loses, and says why.
    const critical = (await readFile(CRASH_LOOP, 'utf8'))
      .replace('name: restart-crashlooping-pod', 'name: evict-critical-crashloop')
      .replace('severity=~"warning|critical"', 'severity="critical"')
      .replace('priority: 100', 'priority: 200')
      .replace('type: deletePod', 'type: evictPod');
    await writeFile(join(dir, 'critical.yaml'), critical);
    const applied = await run('policy', 'apply', CRASH_LOOP, join(dir, 'critical.yaml'), '--local', '--yes');
    expect(applied.code).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await local.remove();
    await tables.drop();
  });

  it('names the winner, the loser and why, the target, the action and every guardrail passing', async () => {
    const out = await explain();
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('alert KubePodCrashLooping (firing), episode ');
    expect(out.stdout).toContain('mode: enforce (--mode)\n');
    expect(out.stdout).toMatch(
      / ✗ +evict-critical-crashloop +200 +matchers do not hold: severity="critical" \(severity is "warning"\)\n/,
    );
    expect(out.stdout).toMatch(/ → +restart-crashlooping-pod +100 +the only policy whose matchers hold\n/);
    expect(out.stdout).toContain('target: sandbox/demo/Pod/web-1\n');
    expect(out.stdout).toContain('action: delete pod demo/web-1 in cluster sandbox (grace period 30s)\n');
    for (const name of [
      'kill switch',
      'circuit breaker',
      'episode claim',
      'cooldown',
      'policy budget',
      'cluster budget',
    ])
      expect(out.stdout).toMatch(new RegExp(`\\n {2}ok +${name} `));
    expect(out.stdout).toMatch(/ok +policy budget +0 of 10 used \(resets in 1h\)/);
    // Where each value of the effective policy comes from (the platform layer's provenance).
    expect(out.stdout).toContain(
      'effective policy restart-crashlooping-pod (where each value comes from):\n',
    );
    expect(out.stdout).toMatch(/\n {2}action\.type +"deletePod" +← policy\n/);
    expect(out.stdout).toMatch(/\n {2}guard\.cooldown +600 +← built-in\n/);
    expect(out.stdout).toMatch(/verdict: acted deletePod: would delete pod demo\/web-1 in cluster sandbox/);
  });

  it('shows the kill switch stopping it, and writes nothing to the state table', async () => {
    expect((await run('pause', '--local', '--reason', 'maintenance', '--by', 'bob')).code).toBe(0);
    const before = await stateItems();
    const out = await explain('--output', 'json');
    expect(await stateItems()).toEqual(before);
    expect((await run('resume', '--local', '--by', 'bob')).code).toBe(0);
    const [report] = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    expect(report).toMatchObject({
      policy: 'restart-crashlooping-pod',
      target: 'sandbox/demo/Pod/web-1',
      verdict: { outcome: 'skipped', code: 'paused' },
      guardrails: expect.arrayContaining([
        expect.objectContaining({
          name: 'kill switch',
          pass: false,
          detail: expect.stringMatching(/paused by bob .*: maintenance/),
        }),
      ]),
    });
  });

  it('shows an open circuit breaker in enforce mode, and skips it in dry-run', async () => {
    const ledger = new DynamoLedger(tables.doc, tables.stateTable);
    for (let i = 0; i < 3; i++) await ledger.recordFailure('restart-crashlooping-pod', 3, NOW);
    const enforce = await explain();
    expect(enforce.stdout).toMatch(
      /STOP +circuit breaker +open since .*remedy breaker resume restart-crashlooping-pod/,
    );
    expect(enforce.stdout).toMatch(/verdict: skipped circuit-open: /);
    const dry = await run('policy', 'explain', '--local', '--alert', alertFile, '--mode', 'dry-run');
    expect(dry.stdout).toContain('mode: dry-run (--mode)\n');
    expect(dry.stdout).toMatch(/ok +circuit breaker +not checked in dry-run/);
    expect(dry.stdout).toMatch(/verdict: would-act deletePod: would record "would delete pod/);
    await run('breaker', 'resume', 'restart-crashlooping-pod', '--local');
  });

  it('explains every alert of an Alertmanager notification, and an alert no policy handles', async () => {
    const file = join(dir, 'notification.json');
    const example = JSON.parse(await readFile('infra/local/examples/crashloop-notification.json', 'utf8'));
    example.alerts.push({ ...example.alerts[0], labels: { alertname: 'Watchdog' }, fingerprint: 'abc' });
    await writeFile(file, JSON.stringify(example));
    const out = await run('policy', 'explain', '--local', '--alert', file, '--output', 'json');
    const reports = JSON.parse(out.stdout) as Array<{ verdict: { code: string; reason: string } }>;
    // The example's POD_NAME placeholder is not a Kubernetes name: explain says so, as the function would.
    expect(reports.map((r) => r.verdict.code)).toEqual(['invalid-target', 'no-policy']);
  });

  it('judges files not yet applied with --policies', async () => {
    const only = join(dir, 'only');
    await mkdir(only, { recursive: true });
    await writeFile(join(only, 'critical.yaml'), await readFile(join(dir, 'critical.yaml'), 'utf8'));
    const out = await explain('--policies', only);
    expect(out.stdout).toMatch(/policies for KubePodCrashLooping \(files .*only\):/);
    expect(out.stdout).toMatch(/verdict: skipped no-policy: no policy's matchers match/);
  });

  it.each([
    [['--alert', '/no/such/file.json'], /cannot read --alert \/no\/such\/file\.json/],
    [['--mode', 'yolo', '--alert', 'x'], /cannot read --alert x|the mode must be enforce or dry-run/],
    [[], /name the alert: --alert FILE/],
  ])('exits 2 for %j', async (argv, message) => {
    const out = await run('policy', 'explain', '--local', ...argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('exits 2 naming the field of an alert file that is not an alert', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ labels: { alertname: 'X', 'bad-name': 'y' } }));
    const out = await run('policy', 'explain', '--local', '--alert', file);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--alert .*bad\.json: alert\.labels/);
  });

  it('replays audited alerts through the current policies: unchanged, changed and not replayable', async () => {
    const ledger = new DynamoLedger(tables.doc, tables.stateTable);
    const alert = { labels: LABELS, annotations: {}, generatorURL: '' };
    const base = {
      alertname: 'KubePodCrashLooping',
      fingerprint: 'aaaa',
      startsAt: '2026-11-25T10:00:00.000Z',
      alert,
    };
    const records: AuditRecord[] = [
      // Acted then, would act the same now.
      {
        ...base,
        at: '2026-11-25T10:00:01.000Z',
        outcome: 'acted',
        code: 'deletePod',
        reason: 'deleted',
        policy: 'restart-crashlooping-pod',
        target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-1' },
        plan: {
          action: 'deletePod',
          target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-1' },
          gracePeriodSeconds: 30,
          respectPodDisruptionBudget: false,
        },
      },
      // No policy then; the crash-loop policy takes it now.
      { ...base, at: '2026-11-25T10:00:02.000Z', outcome: 'skipped', code: 'no-policy', reason: 'none' },
      // A rejected message carries no alert.
      { at: '2026-11-25T10:00:03.000Z', outcome: 'rejected', code: 'MALFORMED_MESSAGE', reason: 'not JSON' },
    ];
    for (const r of records) await ledger.audit(r);

    const out = await run('replay', '--local', '--since', '3h', '--mode', 'enforce');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /2026-11-25T10:00:01.000Z +KubePodCrashLooping +acted deletePod +act deletePod \(restart-crashlooping-pod\) *\n/,
    );
    expect(out.stdout).toMatch(
      /2026-11-25T10:00:02.000Z +KubePodCrashLooping +skipped no-policy +act deletePod \(restart-crashlooping-pod\) +CHANGED\n/,
    );
    expect(out.stdout).toMatch(
      /2 alerts replayed: 1 changed, 1 unchanged, 1 not replayable \(no alert recorded\)/,
    );
    expect(out.stdout).toMatch(/ {4}1 × skip no-policy → act deletePod \(restart-crashlooping-pod\)\n/);

    const json = await run(
      'replay',
      '--local',
      '--since',
      '3h',
      '--changed',
      '--json',
      '--policy',
      'restart-crashlooping-pod',
    );
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ at: '2026-11-25T10:00:02.000Z', changed: true });
    expect(lines[1]).toMatchObject({ summary: { replayed: 2, changed: 1, mode: 'dry-run' } });
  });

  async function stateItems() {
    const { ScanCommand } = await import('#adapters/dynamodb/client/document-client.js');
    return (await tables.doc.send(new ScanCommand({ TableName: tables.stateTable }))).Items ?? [];
  }
});
