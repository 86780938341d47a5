// Verify after acting, the edges a review found: the quarantine window is measured on verdicts, a redelivery
// after the verdict still runs the quarantine check, and a resolve that races ahead of actionTaken counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoControls } from '#adapters/dynamodb/controls.js';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import { type FollowupDeps, followUp } from '#app/followup.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { FollowupMessage } from '#domain/verify/message.js';
import { CapturingScheduler } from '../../support/followup.js';
import { notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { fingerprint } from '../../support/workloads.js';

/** countNotRecovered fails once (a throttle, a timeout): the message throws, SQS redelivers it. */
class FlakyCountOutcomes extends DynamoOutcomes {
  failNext = true;
  override async countNotRecovered(policy: string, since: { verifiedSince: string; actedSince: string }) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return super.countNotRecovered(policy, since);
  }
}

const base = {
  priority: 100,
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
  guard: { cooldown: '0s', circuitBreaker: { consecutiveFailures: 50 } },
};
// `within` shorter than `after`: accepted by the policy schema.
const longAfter = {
  ...base,
  name: 'long-after',
  match: { alertname: 'LongAfter' },
  verify: { after: '30m', alertResolved: true, quarantine: { notRecovered: 1, within: '15m' } },
};
const oneStrike = {
  ...base,
  name: 'one-strike',
  match: { alertname: 'OneStrike' },
  verify: { after: '5m', alertResolved: true, quarantine: { notRecovered: 1, within: '1h' } },
};
const racy = {
  ...base,
  name: 'racy',
  match: { alertname: 'Racy' },
  verify: { after: '5m', alertResolved: true },
};

describe('verify after acting: quarantine window, redelivery, resolve races', () => {
  let h: RemedyHarness;
  let scheduler: CapturingScheduler;
  let store: DynamoOutcomes;
  let deps: FollowupDeps;

  const pods = () => (h.sandbox.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
  const act = async (alertname: string) => {
    const pod = pods()[0] ?? '';
    const n = notification([
      { labels: { namespace: 'demo', pod }, fingerprint: fingerprint(), startsAt: new Date().toISOString() },
    ]);
    const before = scheduler.sent.length;
    await remediateNotification(
      {
        MessageId: crypto.randomUUID(),
        Message: JSON.stringify({
          ...n,
          alerts: n.alerts.map((a) => ({ ...a, labels: { ...a.labels, alertname } })),
        }),
        MessageAttributes: {},
      },
      h.deps,
      { requestId: crypto.randomUUID() },
    );
    const s = scheduler.sent[before];
    if (!s) throw new Error(`no followup scheduled for ${alertname}`);
    return s.message;
  };
  const at = (m: FollowupMessage, plusMinutes: number) => () =>
    new Date(Date.parse(m.action.at) + plusMinutes * 60_000);

  beforeAll(async () => {
    h = await startRemedy([longAfter, oneStrike, racy]);
    scheduler = new CapturingScheduler();
    store = new DynamoOutcomes(h.tables.doc, h.tables.stateTable);
    h.deps.verification = { store, scheduler, delayScale: 1 };
    deps = {
      store,
      scheduler,
      clusters: h.deps.clusters,
      notifier: h.notifier,
      ledger: h.deps.ledger,
      metrics: h.metrics,
      logger: h.logger,
      clock: () => new Date(),
    };
  });
  afterAll(async () => h?.close());

  it('measures the quarantine window on verdicts: with within <= after, a not-recovered verdict counts itself', async () => {
    const m = await act('LongAfter');
    // The followup runs when due: 30 minutes after the action. 1 not-recovered within 15m is the threshold.
    const result = await followUp(JSON.stringify(m), 'r-1', { ...deps, clock: at(m, 30) });
    expect(result).toMatchObject({ kind: 'verified', verdict: 'not-recovered' });
    expect(result).toMatchObject({ quarantined: true });
  });

  it('runs the quarantine check again when a redelivery finds the verdict already recorded', async () => {
    const m = await act('OneStrike');
    const flaky = new FlakyCountOutcomes(h.tables.doc, h.tables.stateTable);
    const d = { ...deps, store: flaky, clock: at(m, 6) };
    // First delivery: verdict recorded, then the quarantine count throws → batchItemFailures → redelivery.
    await expect(followUp(JSON.stringify(m), 'r-2', d)).rejects.toThrow(/Throughput/);
    const again = await followUp(JSON.stringify(m), 'r-2', d);
    expect(again).toEqual({ kind: 'duplicate' });
    const breaker = await new DynamoControls(h.tables.doc, h.tables.stateTable).breaker('one-strike');
    expect(breaker.isOpen).toBe(true);
  });

  it('keeps a resolve handled before actionTaken, so alertResolved says recovered', async () => {
    const m = await act('Racy');
    // The same action, but this time the resolve's remediate invocation runs between executePlan and
    // afterAction/actionTaken (e.g. while the acted record is posted to Slack).
    const episode = `${m.action.episode}-race`;
    const raced: FollowupMessage = { ...m, action: { ...m.action, episode } };
    const resolvedAt = new Date(Date.parse(m.action.at) + 2000).toISOString();
    expect(await store.resolution(episode, resolvedAt)).toBeUndefined(); // no action recorded yet
    await store.actionTaken({ episode, policy: 'racy', actedAt: m.action.at, target: 'sandbox/demo/Pod/x' });
    const result = await followUp(JSON.stringify(raced), 'r-3', { ...deps, clock: at(m, 6) });
    expect(result).toMatchObject({ kind: 'verified', verdict: 'recovered' });
  });
});
