import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainCandidates } from '#app/explain.js';
import { ReplayTally, replayRecord } from '#app/replay.js';
import type { AuditRecord } from '#domain/audit.js';
import { policySchema } from '#domain/policy/schema.js';
import { renderAuditTable } from '../../../shared/cli/commands/audit.js';
import { parseTimeFlag, UsageError } from '../../../shared/cli/io.js';
import { lineDiff, renderDiff } from '../../../shared/cli/text-diff.js';
import { memoryTable, NOW, remedy, TABLE_ENV } from './run-cli.js';

const CRASH_LOOP = fileURLToPath(
  new URL('../../../infra/policies/restart-crashlooping-pod.yaml', import.meta.url),
);

describe('command-line values', () => {
  it.each([
    ['90s', '2026-11-25T11:58:30.000Z'],
    ['1h30m', '2026-11-25T10:30:00.000Z'],
    ['7d', '2026-11-18T12:00:00.000Z'],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
  ])('--since %s is %s', (value, expected) => {
    expect(parseTimeFlag('--since', value, NOW, 'usage').toISOString()).toBe(expected);
  });

  it.each(['yesterday', '-1h', '24', '2026-13-45T99:00:00Z'])(
    'refuses --since %s as a usage error',
    (value) => {
      expect(() => parseTimeFlag('--since', value, NOW, 'usage')).toThrow(UsageError);
    },
  );
});

describe('the apply diff', () => {
  it('shows removed then added lines with one line of context', () => {
    const diff = lineDiff(['a', 'b', 'c', 'd', 'e', 'f'], ['a', 'b', 'C', 'd', 'e', 'f', 'g']);
    expect(renderDiff(diff, '')).toBe(
      ['  …', '  b', '- c', '+ C', '  d', '  …', '  f', '+ g', ''].join('\n'),
    );
    expect(renderDiff(lineDiff(['x'], ['x']))).toBe('      …\n');
  });
});

describe('policy apply asks before it writes', () => {
  const updated = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remedy-confirm-'));
    const file = join(dir, 'crash.yaml');
    await writeFile(
      file,
      (await readFile(CRASH_LOOP, 'utf8')).replace('gracePeriodSeconds: 30', 'gracePeriodSeconds: 5'),
    );
    return { dir, file };
  };

  it('refuses without a terminal and without --yes (exit 2), writing nothing', async () => {
    const table = memoryTable();
    const run = await remedy(['policy', 'apply', CRASH_LOOP], { env: TABLE_ENV, deps: table.deps });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no terminal to confirm on: pass --yes to confirm from a script/);
    expect(table.writes).toEqual([]);
  });

  it('shows the diff of an updated policy, and writes only when the operator says yes', async () => {
    const table = memoryTable();
    await remedy(['policy', 'apply', CRASH_LOOP, '--yes'], { env: TABLE_ENV, deps: table.deps });
    const { dir, file } = await updated();

    const no = await remedy(['policy', 'apply', file], { env: TABLE_ENV, deps: table.deps, answers: ['n'] });
    expect(no.code).toBe(1);
    expect(no.stdout).toBe(
      [
        `would update restart-crashlooping-pod [KubePodCrashLooping] ${file}`,
        '      …',
        '        type: deletePod',
        '    -   gracePeriodSeconds: 30',
        '    +   gracePeriodSeconds: 5',
        '      guard:',
        '      …',
        '',
      ].join('\n'),
    );
    expect(no.stderr).toBe(
      'apply 1 change to remedy-policies-unit? [y/N] remedy: not confirmed: nothing applied\n',
    );
    expect(table.writes).toHaveLength(1);

    const yes = await remedy(['policy', 'apply', file], { env: TABLE_ENV, deps: table.deps, answers: ['y'] });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(
      `updated restart-crashlooping-pod [KubePodCrashLooping] ${file}\n1 updated in remedy-policies-unit\n`,
    );
    expect(table.writes).toHaveLength(2);
    await rm(dir, { recursive: true });
  });

  it('asks before delete too, and deletes nothing on no', async () => {
    const table = memoryTable();
    await remedy(['policy', 'apply', CRASH_LOOP, '--yes'], { env: TABLE_ENV, deps: table.deps });
    const no = await remedy(['policy', 'delete', 'restart-crashlooping-pod'], {
      env: TABLE_ENV,
      deps: table.deps,
      answers: [''],
    });
    expect(no.code).toBe(1);
    expect(table.writes).toEqual(['put POLICY#KubePodCrashLooping/restart-crashlooping-pod']);
    const missing = await remedy(['policy', 'get', 'nope'], { env: TABLE_ENV, deps: table.deps });
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/no policy named "nope" in remedy-policies-unit/);
    const twoNames = await remedy(['policy', 'get', 'a', 'b'], { env: TABLE_ENV, deps: table.deps });
    expect(twoNames.code).toBe(2);
  });
});

const policy = (name: string, priority: number, matchers: string[] = []) =>
  policySchema.parse({
    name,
    match: { alertname: 'KubePodCrashLooping', matchers },
    priority,
    target: { cluster: { value: 'prod' }, namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
    action: { type: 'deletePod' },
  });

describe('explain and replay, the pure parts', () => {
  const labels = { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'web-1', severity: 'warning' };

  it('says why each candidate policy won or lost', () => {
    const candidates = explainCandidates({ labels }, [
      policy('low', 10),
      policy('high', 50),
      policy('critical-only', 90, ['severity="critical"']),
    ]);
    expect(candidates).toEqual([
      {
        policy: 'critical-only',
        priority: 90,
        matched: false,
        chosen: false,
        why: 'matchers do not hold: severity="critical" (severity is "warning")',
      },
      {
        policy: 'high',
        priority: 50,
        matched: true,
        chosen: true,
        why: 'highest priority of 2 matching policies',
      },
      {
        policy: 'low',
        priority: 10,
        matched: true,
        chosen: false,
        why: 'lower priority than high (10 < 50)',
      },
    ]);
  });

  it('replays a record: a guardrail skip then is unchanged when the same policy still acts', () => {
    const record: AuditRecord = {
      at: '2026-11-25T10:00:00.000Z',
      outcome: 'skipped',
      code: 'cooldown',
      reason: 'target is cooling down',
      alertname: 'KubePodCrashLooping',
      fingerprint: 'abcd',
      startsAt: '2026-11-25T09:59:00.000Z',
      policy: 'high',
      plan: {
        action: 'deletePod',
        target: { cluster: 'prod', namespace: 'shop', kind: 'Pod', name: 'web-1' },
        gracePeriodSeconds: 30,
        respectPodDisruptionBudget: false,
      },
      alert: { labels, annotations: {}, generatorURL: '' },
    };
    const ctx = { mode: 'enforce' as const, protectedNamespaces: ['kube-system'] };
    const same = replayRecord(record, [policy('high', 50)], ctx);
    expect(same).toMatchObject({ ok: true, alert: { changed: false, now: { kind: 'act', policy: 'high' } } });
    const gone = replayRecord(record, [], ctx);
    expect(gone).toMatchObject({
      ok: true,
      alert: { changed: true, now: { kind: 'skip', code: 'no-policy' } },
    });
    const tally = new ReplayTally();
    for (const r of [same, gone, replayRecord({ ...record, alert: undefined } as never, [], ctx)])
      tally.add(r);
    expect(tally.summary()).toEqual({
      records: 3,
      replayed: 2,
      notReplayable: 1,
      unchanged: 1,
      changed: 1,
      changes: [{ from: 'act deletePod (high)', to: 'skip no-policy', alerts: 1 }],
    });
  });

  it('escapes control characters stored in an audit record', () => {
    const table = renderAuditTable([
      {
        at: '2026-11-25T10:00:00.000Z',
        outcome: 'skipped',
        code: 'no-policy',
        reason: 'evil\u001b[2J\nline',
      },
    ]);
    expect(table).toContain('evil\\u001b[2J\\u000aline');
    expect(table.split('\n')).toHaveLength(3);
  });
});

describe('policy explain, rendered', () => {
  it('reads as an SRE asks: policies, target, action, guardrails, verdict', async () => {
    const { explainAlert } = await import('#app/explain.js');
    const { renderExplanation } = await import('../../../shared/cli/policy-explain.js');
    const state = {
      pauseState: async () => ({ paused: false }),
      breaker: async () => ({ isOpen: false, consecutiveFailures: 1 }),
      claim: async () => undefined,
      cooldown: async () => ({
        until: new Date(NOW.getTime() + 90_000),
        episode: 'ffff#2026-11-25T11:00:00.000Z',
      }),
      budgetUsed: async (key: string) => (key.startsWith('RATE#policy#') ? 3 : 0),
    };
    const alert = {
      status: 'firing' as const,
      labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'web-1', severity: 'warning' },
      annotations: {},
      startsAt: '2026-11-25T11:59:00.000Z',
      generatorURL: '',
      fingerprint: 'abcd',
    };
    const explanation = await explainAlert(
      alert,
      [policy('high', 50), policy('low', 10)],
      { mode: 'enforce', protectedNamespaces: [], clusterBudget: { count: 30, perSeconds: 3600 }, now: NOW },
      state,
    );
    expect(
      renderExplanation(explanation, { modeSource: '--mode', policiesSource: 'table t', stateTable: 's' }),
    ).toBe(
      [
        'alert KubePodCrashLooping (firing), episode abcd#2026-11-25T11:59:00.000Z',
        'mode: enforce (--mode)',
        'policies for KubePodCrashLooping (table t):',
        '     POLICY  PRIORITY  WHY',
        '  →  high    50        highest priority of 2 matching policies',
        '  =  low     10        lower priority than high (10 < 50)',
        'target: prod/shop/Pod/web-1',
        'action: delete pod shop/web-1 in cluster prod (grace period 30s)',
        'guardrails (read now from s):',
        '        GUARDRAIL        NOW',
        '  ok    kill switch      not paused',
        '  ok    circuit breaker  closed, 1 of 3 failures in a row',
        '  ok    episode claim    episode not handled yet',
        '  STOP  cooldown         target cooling down for 1m30s more (acted on for episode ffff#2026-11-25T11:00:00.000Z)',
        '  ok    policy budget    3 of 10 used (resets in 1h)',
        '  ok    cluster budget   0 of 30 used (resets in 1h)',
        'verdict: skipped cooldown: cooldown: target cooling down for 1m30s more (acted on for episode ffff#2026-11-25T11:00:00.000Z)',
        '',
      ].join('\n'),
    );
  });
});

describe('progress on long scans', () => {
  it('prints a line on stderr per 5000 records read, not per page', async () => {
    const { progressReporter } = await import('../../../shared/cli/audit-options.js');
    const lines: string[] = [];
    const report = progressReporter({
      env: {},
      stdout: () => {},
      stderr: (t) => lines.push(t),
      now: () => NOW,
    });
    for (const scanned of [500, 4999, 5000, 5500, 9999, 10_001]) report({ scanned, day: '2026-11-24' });
    expect(lines).toEqual([
      'remedy: read 5000 audit records (at 2026-11-24)…\n',
      'remedy: read 10001 audit records (at 2026-11-24)…\n',
    ]);
  });
});
