import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoControls } from '#adapters/dynamodb/controls.js';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import { type FollowupDeps, followUp } from '#app/followup.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { FollowupMessage } from '#domain/verify/message.js';
import { summarize } from '#domain/verify/stats.js';
import { CapturingScheduler } from '../../support/followup.js';
import { notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { fingerprint } from '../../support/workloads.js';

/** Keeps what remediate (and the followup, for long waits) scheduled, instead of sending it. */
const POLICY = 'restart-crashlooping-pod';
const verifiedPolicy = {
  name: POLICY,
  match: { alertname: 'KubePodCrashLooping' },
  priority: 100,
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
  guard: { cooldown: '0s', circuitBreaker: { consecutiveFailures: 50 } },
  verify: { after: '5m', alertResolved: true, quarantine: { notRecovered: 2, within: '1h' } },
};
const queryPolicy = {
  ...verifiedPolicy,
  name: 'evict-memory-hog',
  match: { alertname: 'ContainerMemoryNearLimit' },
  verify: { after: '2m', query: 'max(mem{pod="{{pod}}"})', condition: '< 0.9' },
};

describe('followup: verification after acting, against DynamoDB Local and the sandbox', () => {
  let h: RemedyHarness;
  let scheduler: CapturingScheduler;
  let store: DynamoOutcomes;
  let later: Date;
  let followupDeps: FollowupDeps;

  const pods = () => (h.sandbox.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
  const publish = (alerts: Parameters<typeof notification>[0], alertname = 'KubePodCrashLooping') =>
    remediateNotification(
      {
        MessageId: crypto.randomUUID(),
        Message: JSON.stringify({
          ...notification(alerts),
          alerts: notification(alerts).alerts.map((a) => ({ ...a, labels: { ...a.labels, alertname } })),
        }),
        MessageAttributes: {},
      },
      h.deps,
      { requestId: crypto.randomUUID() },
    );
  /** Acts on one pod of web and returns the followup remediate scheduled for it. */
  const act = async (alertname = 'KubePodCrashLooping') => {
    const pod = pods()[0] ?? '';
    const fp = fingerprint();
    const startsAt = new Date().toISOString();
    const sentBefore = scheduler.sent.length;
    await publish([{ labels: { namespace: 'demo', pod }, fingerprint: fp, startsAt }], alertname);
    const scheduled = scheduler.sent[sentBefore];
    if (!scheduled) throw new Error(`remediate scheduled no followup for ${pod}`);
    return { pod, fp, startsAt, scheduled };
  };
  const body = (m: FollowupMessage) => JSON.stringify(m);
  const resolve = (a: { pod: string; fp: string; startsAt: string }) =>
    publish([
      {
        labels: { namespace: 'demo', pod: a.pod },
        fingerprint: a.fp,
        startsAt: a.startsAt,
        status: 'resolved',
        endsAt: new Date().toISOString(),
      },
    ]);

  beforeAll(async () => {
    h = await startRemedy([verifiedPolicy, queryPolicy]);
    scheduler = new CapturingScheduler();
    store = new DynamoOutcomes(h.tables.doc, h.tables.stateTable);
    h.deps.verification = { store, scheduler, delayScale: 1 };
    // The followup runs "after" the delay: its clock is 20 minutes ahead.
    later = new Date(Date.now() + 20 * 60_000);
    followupDeps = {
      store,
      scheduler,
      clusters: h.deps.clusters,
      notifier: h.notifier,
      ledger: h.deps.ledger,
      metrics: h.metrics,
      logger: h.logger,
      clock: () => later,
    };
  });
  afterAll(async () => h?.close());

  it('schedules one followup per action, due `after` later; a resolve records seconds since the action; then recovered', async () => {
    // Act
    const { pod, fp, startsAt, scheduled } = await act();
    // Assess: the pod is gone and the followup is due in 5 minutes.
    expect(pods()).not.toContain(pod);
    expect(scheduled.delaySeconds).toBeGreaterThanOrEqual(299);
    expect(scheduled.delaySeconds).toBeLessThanOrEqual(300);
    expect(scheduled.message.verify).toMatchObject({ check: 'alertResolved', afterSeconds: 300 });
    expect(scheduled.message.action).toMatchObject({ outcome: 'acted', policy: POLICY, code: 'deletePod' });

    // Act: Alertmanager resolves the alert.
    const endsAt = new Date(Date.now() + 1000).toISOString();
    await publish([
      { labels: { namespace: 'demo', pod }, fingerprint: fp, startsAt, status: 'resolved', endsAt },
    ]);
    const resolved = h.notifier.records.at(-1);
    expect(resolved).toMatchObject({ outcome: 'resolved' });
    expect(resolved?.details?.secondsSinceAction).toEqual(expect.any(Number));
    expect(resolved?.reason).toMatch(/s after remedy acted \(policy restart-crashlooping-pod\)/);

    // Act: the followup arrives.
    const notified = h.notifier.records.length;
    const result = await followUp(body(scheduled.message), 'm-1', followupDeps);
    // Assess
    expect(result).toEqual({ kind: 'verified', verdict: 'recovered', quarantined: false });
    const verdict = h.notifier.records[notified];
    expect(verdict).toMatchObject({
      outcome: 'recovered',
      code: 'alert-resolved',
      policy: POLICY,
      group: scheduled.message.action.group,
      plan: { action: 'deletePod' },
    });
    const audit = (
      await h.tables.doc.send(
        new (
          await import('#adapters/dynamodb/client/document-client.js')
        ).QueryCommand({
          TableName: h.tables.stateTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `AUDIT#sandbox/demo/Pod/${pod}` },
        }),
      )
    ).Items;
    expect(audit?.map((i) => i.outcome)).toEqual(['acted', 'recovered']);
    const [entry] = await store.entries(POLICY, scheduled.message.action.at);
    expect(entry).toMatchObject({ outcome: 'recovered', secondsToRecovery: expect.any(Number) });
    expect(entry?.resolvedAfterSeconds).toBe(entry?.secondsToRecovery);
  });

  it('a redelivered followup records nothing twice and tells nobody again', async () => {
    // Prepare
    const acted = await act();
    const { scheduled } = acted;
    await resolve(acted);
    await followUp(body(scheduled.message), 'm-2', followupDeps);
    const notified = h.notifier.records.length;
    // Act: SQS delivers the same message again, twice at once.
    const again = await Promise.all([
      followUp(body(scheduled.message), 'm-2', followupDeps),
      followUp(body(scheduled.message), 'm-2', followupDeps),
    ]);
    // Assess
    expect(again).toEqual([{ kind: 'duplicate' }, { kind: 'duplicate' }]);
    expect(h.notifier.records.length).toBe(notified);
    const entries = await store.entries(POLICY, scheduled.message.action.at);
    expect(entries.filter((e) => e.episode === scheduled.message.action.episode)).toHaveLength(1);
  });

  it('a followup that arrives early is sent round again for the rest of the wait', async () => {
    // Prepare
    const { scheduled } = await act();
    const sent = scheduler.sent.length;
    const early = new Date(Date.parse(scheduled.message.action.at) + 60_000);
    // Act
    const result = await followUp(body(scheduled.message), 'm-3', { ...followupDeps, clock: () => early });
    // Assess: 4 more minutes to wait; nothing recorded yet.
    expect(result).toEqual({ kind: 'waiting', dueAt: scheduled.message.dueAt });
    expect(scheduler.sent[sent]?.delaySeconds).toBeGreaterThanOrEqual(239);
    expect(scheduler.sent[sent]?.delaySeconds).toBeLessThanOrEqual(240);
    expect((await store.action(scheduled.message.action.episode))?.verdict).toBeUndefined();
  });

  it('no query answer (no Prometheus) is inconclusive, recorded once', async () => {
    // Act
    const { scheduled } = await act('ContainerMemoryNearLimit');
    const result = await followUp(body(scheduled.message), 'm-4', followupDeps);
    // Assess
    expect(result).toEqual({ kind: 'verified', verdict: 'inconclusive', quarantined: false });
    expect(h.notifier.records.at(-1)).toMatchObject({ outcome: 'inconclusive', code: 'no-prometheus' });
  });

  it('not recovered twice within the window quarantines the policy: breaker open, a record says why', async () => {
    // Prepare: two actions whose alerts never resolve.
    const first = await act();
    const second = await act();
    // Act
    const one = await followUp(body(first.scheduled.message), 'm-5', followupDeps);
    const two = await followUp(body(second.scheduled.message), 'm-6', followupDeps);
    // Assess
    expect(one).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: false });
    expect(two).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: true });
    const [verdict, quarantine] = h.notifier.records.slice(-2);
    expect(verdict).toMatchObject({ outcome: 'not-recovered', code: 'alert-still-firing' });
    expect(quarantine).toMatchObject({ outcome: 'skipped', code: 'quarantined', policy: POLICY });
    expect(quarantine?.reason).toMatch(/quarantined: 2 actions did not recover within 1h/);
    const controls = new DynamoControls(h.tables.doc, h.tables.stateTable);
    const breaker = await controls.breaker(POLICY);
    expect(breaker.isOpen).toBe(true);
    expect(breaker.reason).toMatch(/^quarantined: /);

    // Act: the next alert of that policy is refused.
    const pod = pods()[0] ?? '';
    await publish([{ labels: { namespace: 'demo', pod }, fingerprint: fingerprint() }]);
    // Assess
    expect(h.notifier.records.at(-1)).toMatchObject({ outcome: 'skipped', code: 'circuit-open' });
    expect(pods()).toContain(pod);

    // Act: an operator resumes it; a third not-recovered verdict alone does not re-quarantine.
    await controls.resumePolicy(POLICY, 'sre', new Date(later.getTime() - 1000));
    const third = await act();
    const after = await followUp(body(third.scheduled.message), 'm-7', followupDeps);
    expect(after).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: false });
  });

  it('effectiveness: counts per verdict and median time to recovery from one Query', async () => {
    // Act
    const stats = summarize(POLICY, await store.entries(POLICY, '2000-01-01T00:00:00.000Z'));
    // Assess: recovered in the first two tests, not recovered in the quarantine test.
    expect(stats).toMatchObject({ policy: POLICY, recovered: 2, notRecovered: 3, inconclusive: 0 });
    expect(stats.unverified).toBe(1); // the early one, still waiting
    expect(stats.medianSecondsToRecovery).toEqual(expect.any(Number));
    expect(await store.policies()).toEqual(expect.arrayContaining([POLICY, 'evict-memory-hog']));
  });

  it('a malformed message is dead-lettered and acknowledged, never acted on', async () => {
    // Act
    const result = await followUp('{"kind":"remedy.followup","version":1}', 'm-bad', followupDeps);
    // Assess
    expect(result).toMatchObject({ kind: 'rejected' });
    expect(result.kind === 'rejected' && result.reason).toMatch(/dueAt/);
    expect(h.metrics.total('FollowupRejected')).toBe(1);
  });
});
