import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import { type FollowupDeps, followUp } from '#app/followup.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { LocalSinks } from '../../../infra/local/sinks/index.js';
import { CapturingScheduler } from '../../support/followup.js';
import { type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { groupMessage, notifyingPolicy, realNotifier, startSinks } from '../notify/harness.js';

/** The team's crash-loop policy, verified after acting; escalates and quarantines when actions do not help. */
const policy = {
  ...notifyingPolicy,
  guard: { cooldown: '0s' },
  verify: {
    after: '5m',
    alertResolved: true,
    onNotRecovered: 'escalate',
    quarantine: { notRecovered: 2, within: '1h' },
  },
};

describe('verdicts in the Slack thread and the ticket (local Slack and Jira over HTTP)', () => {
  let sinks: LocalSinks;
  let h: RemedyHarness;
  let scheduler: CapturingScheduler;
  let deps: FollowupDeps;
  const slack = (method: string) => sinks.slack.requests.filter((r) => r.path === `/api/${method}`);
  const jira = (pathPart: string) =>
    sinks.jira.requests.filter((r) => r.method === 'POST' && r.path.includes(pathPart));
  const act = async (name: string, pod: string) => {
    const before = scheduler.sent.length;
    await remediateNotification(
      groupMessage(name, [
        {
          labels: { namespace: 'demo', pod },
          fingerprint: crypto.randomUUID().replaceAll('-', '').slice(0, 16),
        },
      ]),
      h.deps,
      { requestId: crypto.randomUUID() },
    );
    const message = scheduler.sent[before]?.message;
    if (!message) throw new Error('no followup scheduled');
    return message;
  };
  const anyPod = () => h.sandbox.store.list('pods', 'demo')[0]?.metadata.name as string;

  beforeAll(async () => {
    sinks = await startSinks();
    h = await startRemedy([policy], { notifier: realNotifier(sinks) });
    scheduler = new CapturingScheduler();
    const store = new DynamoOutcomes(h.tables.doc, h.tables.stateTable);
    h.deps.verification = { store, scheduler, delayScale: 1 };
    const later = new Date(Date.now() + 30 * 60_000);
    deps = {
      store,
      scheduler,
      clusters: h.deps.clusters,
      notifier: h.deps.notifier,
      ledger: h.deps.ledger,
      metrics: h.metrics,
      logger: h.logger,
      clock: () => later,
    };
  });
  afterAll(async () => {
    await h?.close();
    await sinks?.close();
  });

  it('not recovered: the thread is updated and replied to with on-call mentioned, and a ticket is opened', async () => {
    // Prepare
    const message = await act('escalate-1', anyPod());
    const [posts, updates, issues] = [
      slack('chat.postMessage').length,
      slack('chat.update').length,
      jira('/rest/api/3/issue').length,
    ];
    // Act
    const result = await followUp(JSON.stringify(message), 'e-1', deps);
    // Assess
    expect(result).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: false });
    expect(jira('/rest/api/3/issue').length).toBe(issues + 1);
    const created = jira('/rest/api/3/issue').at(-1);
    expect(JSON.stringify(created?.body)).toMatch(
      /Not recovered: remedy acted, and the check after the action/,
    );
    expect(slack('chat.update').length).toBeGreaterThan(updates);
    const reply = slack('chat.postMessage').slice(posts).at(-1);
    const replyText = JSON.stringify(reply?.body);
    expect(replyText).toMatch(/NOT RECOVERED/);
    expect(replyText).toMatch(/<!subteam\^S0ONCALL>/);
    expect((reply?.body as { thread_ts?: string } | undefined)?.thread_ts).toBeTruthy();
  });

  it('a second not-recovered verdict quarantines the policy: the thread says why and the ticket gets a comment', async () => {
    // Prepare
    const message = await act('escalate-2', anyPod());
    const posts = slack('chat.postMessage').length;
    // Act
    const result = await followUp(JSON.stringify(message), 'e-2', deps);
    // Assess
    expect(result).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: true });
    const replies = slack('chat.postMessage')
      .slice(posts)
      .map((r) => JSON.stringify(r.body));
    expect(replies.some((t) => /quarantined: 2 actions did not recover within 1h/.test(t))).toBe(true);
    expect(replies.some((t) => /remedy breaker resume restart-crashlooping-pod/.test(t))).toBe(true);
    expect(jira('/comment').length).toBeGreaterThanOrEqual(1);
  });
});
