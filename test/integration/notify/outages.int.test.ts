import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { groupKey } from '#domain/alert/identity.js';
import type { LocalSinks } from '../../../infra/local/sinks/index.js';
import { type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { groupMessage, notifyingPolicy, realNotifier, startSinks } from './harness.js';

const group = (name: string) =>
  groupKey({ receiver: 'remedy', groupLabels: { alertname: 'KubePodCrashLooping', test_case: name } });

describe('Slack down or rate limiting: the remediation is done, the failure is recorded; secrets stay secret', () => {
  let sinks: LocalSinks;
  let h: RemedyHarness;
  const written: string[] = [];
  const restore: Array<() => void> = [];
  const pods = () =>
    h.sandbox.store
      .list('pods', 'demo')
      .map((p) => p.metadata.name)
      .sort();
  /** A fresh notifier (a new container): no fail-fast window left over from an earlier test. */
  const deps = () => ({ ...h.deps, notifier: realNotifier(sinks)(h.tables) });
  const slackPosts = () => sinks.slack.requests.filter((r) => r.path === '/api/chat.postMessage');

  beforeAll(async () => {
    // Everything the process writes is kept, to prove no token is ever printed.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        written.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    sinks = await startSinks();
    h = await startRemedy([notifyingPolicy], { notifier: realNotifier(sinks) });
  });
  afterAll(async () => {
    for (const r of restore) r();
    await h?.close();
    await sinks?.close();
  });

  it('Slack answering 503: the pod is still deleted; NotifyFailed is counted and the failure kept in the state table', async () => {
    // Prepare
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    sinks.slack.fault({ path: '/api/', status: 503 });
    const failedBefore = h.metrics.total('NotifyFailed');
    const started = Date.now();
    // Act
    const summary = await remediateNotification(
      groupMessage('slack-down', [{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'dd01' }]),
      deps(),
      { requestId: 'd1' },
    );
    sinks.slack.clearFaults();
    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(pods()).not.toContain(victim);
    expect(Date.now() - started).toBeLessThan(10_000); // bounded: 3 attempts, 0.5 s + 2 s between them
    expect(slackPosts().filter((r) => r.status === 503)).toHaveLength(3);
    expect(h.metrics.total('NotifyFailed') - failedBefore).toBe(1);
    const warning = h.logger.lines.find((l) => l.message.startsWith('notifier failed'));
    expect(String(warning?.fields?.error)).toContain('slack chat.postMessage: HTTP 503');
    const { Items = [] } = await h.tables.doc.send(
      new QueryCommand({
        TableName: h.tables.stateTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
        ExpressionAttributeValues: { ':pk': `NOTIFY#${group('slack-down')}`, ':f': 'FAILURE#' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({ sinks: ['slack'] });
    // Grafana, a separate sink, still got its annotation.
    expect(sinks.grafana.annotations.some((a) => a.text.includes(victim))).toBe(true);
  });

  it('429 with a Retry-After beyond the bound: gives up at once instead of sleeping through the invocation', async () => {
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    sinks.slack.fault({ path: '/api/chat.postMessage', status: 429, retryAfterSeconds: 120 });
    const before = slackPosts().length;
    const started = Date.now();
    const summary = await remediateNotification(
      groupMessage('rate-limited', [{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'dd02' }]),
      deps(),
      { requestId: 'd2' },
    );
    sinks.slack.clearFaults();
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(
      slackPosts()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([429]);
    const warning = h.logger.lines.findLast((l) => l.message.startsWith('notifier failed'));
    expect(String(warning?.fields?.error)).toContain('HTTP 429 (Retry-After 120s)');
  });

  it('429 with a short Retry-After: waits it out and delivers', async () => {
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    sinks.slack.fault({ path: '/api/chat.postMessage', status: 429, retryAfterSeconds: 1, times: 1 });
    const before = slackPosts().length;
    const failedBefore = h.metrics.total('NotifyFailed');
    await remediateNotification(
      groupMessage('short-limit', [{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'dd03' }]),
      deps(),
      { requestId: 'd3' },
    );
    expect(
      slackPosts()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([429, 200]);
    expect(h.metrics.total('NotifyFailed') - failedBefore).toBe(0);
  });

  it('tokens come from SSM Parameter Store, once per container, and never reach a log line', async () => {
    // Prepare: a notifier that must authenticate everywhere (a failure makes it log).
    sinks.jira.fault({ path: '/rest/api/3/issue', status: 500 });
    const notifierDeps = deps();
    const ssmBefore = sinks.ssm.requests.length;
    const alert = { labels: { namespace: 'demo', pod: 'web-y', cluster: 'nowhere' }, fingerprint: 'dd04' };
    // Act: two decisions through the same notifier.
    await remediateNotification(groupMessage('secrets', [alert]), notifierDeps, { requestId: 'd4' });
    await remediateNotification(groupMessage('secrets', [{ ...alert, fingerprint: 'dd05' }]), notifierDeps, {
      requestId: 'd5',
    });
    sinks.jira.clearFaults();
    // Assess: SSM was asked once for each token; the Authorization headers worked (Slack posted).
    const asked = sinks.ssm.requests
      .slice(ssmBefore)
      .flatMap((r) => (r.body as { Names?: string[] }).Names ?? []);
    expect(asked.sort()).toEqual(
      [
        sinks.env.SLACK_TOKEN_PARAMETER,
        sinks.env.JIRA_TOKEN_PARAMETER,
        sinks.env.GRAFANA_TOKEN_PARAMETER,
      ].sort(),
    );
    expect(sinks.slack.requests.at(-1)?.status).toBe(200);
    expect(
      h.logger.lines.some((l) => String(l.fields?.error).includes('jira POST /rest/api/3/issue: HTTP 500')),
    ).toBe(true);
    const everything = [
      ...written,
      ...h.logger.lines.map((l) => JSON.stringify(l)),
      JSON.stringify(sinks.slack.requests),
    ];
    for (const token of Object.values(sinks.tokens)) {
      expect(everything.some((line) => line.includes(token))).toBe(false);
    }
  });
});
