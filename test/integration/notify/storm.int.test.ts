import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remediateNotification } from '#app/remediate-notification.js';
import type { LocalSinks } from '../../../infra/local/sinks/index.js';
import { channelId } from '../../../infra/local/sinks/slack-server.js';
import { type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { groupMessage, notifyingPolicy, realNotifier, startSinks } from './harness.js';

const TEAM = channelId('#team-web');
const alerts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    labels: { namespace: 'demo', pod: `${prefix}-${i}` },
    fingerprint: `${prefix.replace(/[^0-9a-f]/g, '')}${i.toString(16).padStart(4, '0')}`,
  }));

describe('an alert storm in Slack: one summary, not hundreds of messages', () => {
  let sinks: LocalSinks;
  let h: RemedyHarness;
  const posts = () =>
    sinks.slack.requests.filter((r) => r.path === '/api/chat.postMessage' && r.status === 200);

  beforeAll(async () => {
    sinks = await startSinks();
    const policy = { ...notifyingPolicy, guard: { maxActions: { count: 2, per: '1h' } } };
    h = await startRemedy([policy], { notifier: realNotifier(sinks) });
  });
  afterAll(async () => {
    await h?.close();
    await sinks?.close();
  });

  it('a group of 40 alerts over a budget of 2: the thread gets the two decisions and ONE summary', async () => {
    // Act
    const summary = await remediateNotification(groupMessage('storm', alerts('ab', 40)), h.deps, {
      requestId: 's1',
    });
    // Assess
    expect(summary.alerts).toBe(40);
    expect(summary.outcomes.skipped).toBe(40); // 2 took the budget (pods already gone), 38 refused
    const parent = posts().find((p) => !(p.body as { thread_ts?: string }).thread_ts);
    const thread = sinks.slack.thread(TEAM, parent?.answer ?? '');
    expect(thread).toHaveLength(3);
    // The parent shows the latest status (the summary); among the replies the summary is there once.
    expect(thread[0]?.text).toContain('38 alert(s) not acted on');
    const summaries = thread.slice(1).filter((m) => m.text.includes('38 alert(s) not acted on'));
    expect(summaries).toHaveLength(1);
    expect(posts()).toHaveLength(3);
  });

  it('the storm goes on in other groups: one storm message per policy and hour, its count kept', async () => {
    const before = posts().length;
    // Act: six more groups, every alert over budget.
    for (let g = 0; g < 6; g++) {
      await remediateNotification(groupMessage(`storm-${g}`, alerts(`cd${g}`, 5)), h.deps, {
        requestId: `s2-${g}`,
      });
    }
    // Assess: one new message, not six.
    const added = posts().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.body).toMatchObject({ channel: '#team-web' });
    expect(JSON.stringify(added[0]?.body)).toContain('Alert storm · restart-crashlooping-pod');
    const h2 = Math.floor(Date.now() / 3_600_000);
    const { Item } = await import('#adapters/dynamodb/client/document-client.js').then(({ GetCommand }) =>
      h.tables.doc.send(
        new GetCommand({
          TableName: h.tables.stateTable,
          Key: { pk: `NOTIFY#STORM#restart-crashlooping-pod#${h2}`, sk: 'SLACK' },
        }),
      ),
    );
    expect(Item?.total).toBe(30);
  });
});
