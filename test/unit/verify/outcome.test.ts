import { describe, expect, it } from 'vitest';
import { parseFollowup } from '#domain/verify/message.js';
import { delaySecondsUntil, dueAt, median, queryVerdict, stillEarly } from '#domain/verify/outcome.js';
import { rolloutState } from '#domain/verify/rollout.js';
import { summarize } from '#domain/verify/stats.js';

describe('delays', () => {
  const acted = '2026-11-25T10:00:00.000Z';
  it('is due `after` from the action, scaled for the local stack', () => {
    expect(dueAt(acted, 300, 1).toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(dueAt(acted, 300, 0.01).toISOString()).toBe('2026-11-25T10:00:03.000Z');
  });
  it('waits at most SQS’s 15 minutes per hop, never negative', () => {
    const now = new Date(acted);
    expect(delaySecondsUntil(new Date('2026-11-25T10:05:00.000Z'), now)).toBe(300);
    expect(delaySecondsUntil(new Date('2026-11-25T12:00:00.000Z'), now)).toBe(900);
    expect(delaySecondsUntil(new Date('2026-11-25T09:00:00.000Z'), now)).toBe(0);
  });
  it('a message within a second of its due time is worked on now', () => {
    const due = new Date('2026-11-25T10:05:00.000Z');
    expect(stillEarly(due, new Date('2026-11-25T10:04:59.500Z'))).toBe(false);
    expect(stillEarly(due, new Date('2026-11-25T10:04:58.000Z'))).toBe(true);
  });
});

describe('verdicts', () => {
  it('maps a PromQL check: the condition describes recovery', () => {
    expect(queryVerdict('true', 'inconclusive')).toBe('recovered');
    expect(queryVerdict('false', 'inconclusive')).toBe('not-recovered');
    expect(queryVerdict('empty', 'recovered')).toBe('recovered');
    expect(queryVerdict('empty', 'inconclusive')).toBe('inconclusive');
    expect(queryVerdict('error', 'recovered')).toBe('inconclusive');
  });

  it('median: odd, even, empty', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(median([])).toBeUndefined();
  });

  it('summarises a policy: counts, recovery rate, medians', () => {
    const e = (outcome?: 'recovered' | 'not-recovered' | 'inconclusive', s?: number, r?: number) => ({
      policy: 'p',
      episode: 'e',
      actedAt: 'a',
      ...(outcome ? { outcome } : {}),
      ...(s !== undefined ? { secondsToRecovery: s } : {}),
      ...(r !== undefined ? { resolvedAfterSeconds: r } : {}),
    });
    expect(
      summarize('p', [
        e('recovered', 60, 60),
        e('recovered', 120),
        e('not-recovered'),
        e('inconclusive'),
        e(undefined, undefined, 30),
      ]),
    ).toEqual({
      policy: 'p',
      actions: 5,
      recovered: 2,
      notRecovered: 1,
      inconclusive: 1,
      unverified: 1,
      recoveryRate: 2 / 3,
      medianSecondsToRecovery: 90,
      medianSecondsToResolve: 45,
    });
  });
});

describe('rollout state (kubectl rollout status)', () => {
  const deployment = (status: Record<string, unknown>, generation = 2, replicas = 3) => ({
    metadata: { generation },
    spec: { replicas },
    status: { observedGeneration: 2, ...status },
  });
  it('complete when every replica is updated and available and no old ones remain', () => {
    expect(
      rolloutState('Deployment', deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 })).state,
    ).toBe('complete');
  });
  it.each([
    [{ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3, /not yet observed/],
    [{ replicas: 3, updatedReplicas: 1, availableReplicas: 3 }, 2, /1 of 3 new replicas/],
    [{ replicas: 4, updatedReplicas: 3, availableReplicas: 3 }, 2, /1 old replicas are pending/],
    [{ replicas: 3, updatedReplicas: 3, availableReplicas: 2 }, 2, /2 of 3 updated replicas are available/],
  ])('progressing: %j (generation %d)', (status, generation, reason) => {
    const state = rolloutState('Deployment', deployment(status, generation));
    expect(state.state).toBe('progressing');
    expect(state.reason).toMatch(reason);
  });
  it('failed once the progress deadline passed', () => {
    const state = rolloutState(
      'Deployment',
      deployment({
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
    );
    expect(state).toEqual({ state: 'failed', reason: 'the rollout exceeded its progress deadline' });
  });
  it('StatefulSets and DaemonSets', () => {
    const sts = {
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' },
    };
    expect(rolloutState('StatefulSet', sts).state).toBe('progressing');
    expect(
      rolloutState('StatefulSet', { ...sts, status: { ...sts.status, currentRevision: 'b' } }).state,
    ).toBe('complete');
    const ds = {
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 1,
      },
    };
    expect(rolloutState('DaemonSet', ds).reason).toMatch(/1 of 2 updated pods are available/);
  });
  it('an object without metadata is refused, not guessed at', () => {
    expect(() => rolloutState('Deployment', { status: {} })).toThrow();
  });
});

describe('followup message', () => {
  it('refuses non-JSON and names the broken field', () => {
    expect(parseFollowup('nope')).toEqual({ ok: false, reason: 'followup message is not JSON' });
    const bad = parseFollowup(JSON.stringify({ kind: 'remedy.followup', version: 2 }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/version/);
  });
});
