import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remediateNotification } from '#app/remediate-notification.js';
import { groupKey } from '#domain/alert/identity.js';
import type { LocalSinks } from '../../../infra/local/sinks/index.js';
import { channelId } from '../../../infra/local/sinks/slack-server.js';
import { type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { groupMessage, notifyingPolicy, realNotifier, startSinks, stateItem } from './harness.js';

const group = (name: string) =>
  groupKey({ receiver: 'remedy', groupLabels: { alertname: 'KubePodCrashLooping', test_case: name } });
const TEAM = channelId('#team-web');
/** Opens a ticket only when the alert keeps firing after remedy acted; Slack goes to the default channel. */
const notRecoveredPolicy = {
  name: 'delete-stuck-pod',
  match: { alertname: 'PodStuck' },
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
  notify: { ticket: { jira: { project: 'SRE', issueType: 'Bug' }, when: 'onNotRecovered' } },
};

describe('alert lifecycle in Slack, Jira and Grafana (local servers over HTTP, DynamoDB Local, sandbox)', () => {
  let sinks: LocalSinks;
  let h: RemedyHarness;
  const pods = () =>
    h.sandbox.store
      .list('pods', 'demo')
      .map((p) => p.metadata.name)
      .sort();
  const slackCalls = (method: string) => sinks.slack.requests.filter((r) => r.path === `/api/${method}`);

  beforeAll(async () => {
    sinks = await startSinks();
    h = await startRemedy([notifyingPolicy, notRecoveredPolicy], { notifier: realNotifier(sinks) });
  });
  afterAll(async () => {
    await h?.close();
    await sinks?.close();
  });

  it('firing → acted → resolved: one thread, posted once, then updated in place with replies', async () => {
    // Prepare
    const [first, second] = pods();
    if (!first || !second) throw new Error('sandbox has too few pods');
    const A = { labels: { namespace: 'demo', pod: first }, fingerprint: 'aa01' };
    const B = { labels: { namespace: 'demo', pod: second }, fingerprint: 'aa02' };
    const before = slackCalls('chat.postMessage').length;
    // Act: A fires; the group grows (A repeated, B fires); both resolve.
    await remediateNotification(groupMessage('lifecycle', [A]), h.deps, { requestId: 'r1' });
    await remediateNotification(groupMessage('lifecycle', [A, B]), h.deps, { requestId: 'r2' });
    const resolved = { status: 'resolved' as const, endsAt: '2026-11-25T10:05:00.000Z' };
    await remediateNotification(
      groupMessage('lifecycle', [
        { ...A, ...resolved },
        { ...B, ...resolved },
      ]),
      h.deps,
      {
        requestId: 'r3',
      },
    );
    // Assess: exactly one parent post; every other post is a reply in its thread.
    const posts = slackCalls('chat.postMessage').slice(before);
    const parents = posts.filter((p) => !(p.body as { thread_ts?: string }).thread_ts);
    expect(parents).toHaveLength(1);
    const ts = parents[0]?.answer ?? '';
    expect(posts.slice(1).every((p) => (p.body as { thread_ts?: string }).thread_ts === ts)).toBe(true);
    const thread = sinks.slack.thread(TEAM, ts);
    expect(thread.map((m) => m.text.split(':')[0])).toEqual([
      'RESOLVED KubePodCrashLooping',
      'ACTED KubePodCrashLooping',
      'RESOLVED KubePodCrashLooping',
      'RESOLVED KubePodCrashLooping',
    ]);
    // The parent was updated once per later decision (the duplicate of A adds nothing), and says it all.
    expect(thread[0]?.edits).toBe(3);
    const parent = JSON.stringify(thread[0]?.blocks);
    // The title follows the team's template (the latest decision's pod: A and B resolve concurrently).
    expect(parent).toMatch(new RegExp(`KubePodCrashLooping on demo/(${first}|${second})`));
    expect(parent).toContain('Decisions so far: 2 acted · 2 resolved');
    expect(parent).toContain('https://runbooks.example/crashloop|Runbook');
    expect(parent).toContain('*Team*\\nweb');
    // The thread reference lives in the state table, keyed by the group.
    expect(await stateItem(h.tables, `NOTIFY#${group('lifecycle')}`, 'SLACK')).toMatchObject({
      channel: TEAM,
      ts,
    });
    // Grafana has one annotation per action, tagged for dashboards; nothing became a ticket.
    const marks = sinks.grafana.annotations.filter((a) => a.tags.includes('deletePod'));
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({ dashboardUID: 'remedy-web' });
    expect(marks[0]?.tags).toEqual(
      expect.arrayContaining(['remedy', 'restart-crashlooping-pod', 'deletePod', 'sandbox', 'team-web']),
    );
    expect(marks[0]?.time).toBeGreaterThan(1_700_000_000_000);
    expect(sinks.jira.issues.size).toBe(0);
  });

  it('failure → ticket in ADF linking the thread; repeat → comment on the same ticket; resolve → Done', async () => {
    // Prepare: a cluster remedy does not know makes the action fail, for good.
    const alert = { labels: { namespace: 'demo', pod: 'web-x', cluster: 'nowhere' }, fingerprint: 'bb01' };
    // Act
    await remediateNotification(groupMessage('failure', [alert]), h.deps, { requestId: 'f1' });
    await remediateNotification(groupMessage('failure', [alert]), h.deps, { requestId: 'f2' });
    const resolved = { ...alert, status: 'resolved' as const, endsAt: '2026-11-25T10:09:00.000Z' };
    await remediateNotification(groupMessage('failure', [resolved]), h.deps, { requestId: 'f3' });
    // Assess: one issue, created with an ADF description, linked both ways, commented twice, then Done.
    const creates = sinks.jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue');
    expect(creates).toHaveLength(1);
    expect(creates[0]?.status).toBe(201);
    const key = creates[0]?.answer ?? '';
    const issue = sinks.jira.issues.get(key);
    expect(issue?.fields).toMatchObject({
      project: 'OPS',
      issuetype: 'Incident',
      labels: ['remedy', 'am-fp-bb01'],
    });
    expect(issue?.fields.description).toMatchObject({ type: 'doc', version: 1 });
    const thread = await stateItem(h.tables, `NOTIFY#${group('failure')}`, 'SLACK');
    const permalink = `https://example.slack.com/archives/${TEAM}/p${String(thread?.ts).replace('.', '')}`;
    expect(JSON.stringify(issue?.fields.description)).toContain(permalink);
    expect(JSON.stringify(sinks.slack.thread(TEAM, String(thread?.ts))[0]?.blocks)).toContain(`|${key}>`);
    expect(issue?.comments).toHaveLength(2);
    expect(JSON.stringify(issue?.comments[0])).toContain('still firing');
    expect(issue?.status).toBe('Done');
    // The key is kept in the state table; search (gone, and eventually consistent) is never asked.
    const episode = `bb01#${new Date('2026-11-25T10:00:00.000Z').toISOString()}`;
    expect(await stateItem(h.tables, `NOTIFY#EPISODE#${episode}`, 'TICKET')).toMatchObject({ key });
    expect(sinks.jira.requests.some((r) => r.path.includes('/search'))).toBe(false);
    // The failure mentioned on-call when it was posted (updates never notify, so mentions go in posts).
    const firstPost = slackCalls('chat.postMessage').find((r) => r.answer === thread?.ts);
    expect(JSON.stringify(firstPost?.body)).toContain('<!subteam^S0ONCALL> remedy needs a human here.');
  });

  it('onNotRecovered: acting opens nothing; the same episode firing again opens the ticket', async () => {
    // Prepare
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const alert = { labels: { alertname: 'PodStuck', namespace: 'demo', pod: victim }, fingerprint: 'cc01' };
    // Act
    await remediateNotification(groupMessage('not-recovered', [alert]), h.deps, { requestId: 'n1' });
    const afterAction = [...sinks.jira.issues.values()].filter((i) => i.fields.project === 'SRE');
    await remediateNotification(groupMessage('not-recovered', [alert]), h.deps, { requestId: 'n2' });
    // Assess
    expect(afterAction).toHaveLength(0);
    const issues = [...sinks.jira.issues.values()].filter((i) => i.fields.project === 'SRE');
    expect(issues).toHaveLength(1);
    expect(JSON.stringify(issues[0]?.fields.description)).toContain(
      'Not recovered: the alert still fires after remedy acted',
    );
    // The thread went to the default channel, and its parent links the ticket.
    const thread = await stateItem(h.tables, `NOTIFY#${group('not-recovered')}`, 'SLACK');
    expect(thread).toMatchObject({ channel: channelId('#ops-remedy'), ticket: { key: issues[0]?.key } });
  });
});
