import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

const podNames = (h: RemedyHarness) =>
  h.sandbox.store
    .list('pods', 'demo')
    .map((p) => p.metadata.name)
    .sort();

const sns = (body: unknown, messageId = crypto.randomUUID()) => ({
  MessageId: messageId,
  Message: typeof body === 'string' ? body : JSON.stringify(body),
  MessageAttributes: {},
});

describe('remediateNotification: DynamoDB Local + sandbox API over TLS', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    h = await startRemedy([crashLoopPolicy]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('deletes the crash-looping pod, and the sandbox replaces it', async () => {
    // Prepare
    const [victim] = podNames(h);
    if (!victim) throw new Error('sandbox has no pods');
    // Act
    const summary = await remediateNotification(
      sns(notification([{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'a1' }])),
      h.deps,
      { requestId: 'req-1' },
    );
    // Assess
    expect(summary).toMatchObject({ alerts: 1, outcomes: { acted: 1 }, retryable: false });
    expect(podNames(h)).not.toContain(victim);
    expect(podNames(h)).toHaveLength(3);
    const del = h.sandbox.requests.find((r) => r.method === 'DELETE');
    expect(del?.body).toMatchObject({ gracePeriodSeconds: 0, preconditions: { uid: expect.any(String) } });
    expect(h.notifier.records.at(-1)).toMatchObject({
      outcome: 'acted',
      code: 'deletePod',
      policy: 'restart-crashlooping-pod',
    });
  });

  it('acts once when the same notification arrives twice, even concurrently', async () => {
    const [victim] = podNames(h);
    if (!victim) throw new Error('sandbox has no pods');
    const message = sns(notification([{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'b2' }]));
    const deletesBefore = h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
    const [first, second] = await Promise.all([
      remediateNotification(message, h.deps, { requestId: 'req-a' }),
      remediateNotification(message, h.deps, { requestId: 'req-b' }),
    ]);
    const third = await remediateNotification({ ...message, MessageId: 'resend' }, h.deps, {
      requestId: 'req-c',
    });
    expect([first.outcomes, second.outcomes, third.outcomes]).toEqual(
      expect.arrayContaining([{ acted: 1 }, { skipped: 1 }]),
    );
    expect([first, second, third].filter((s) => s.outcomes.acted === 1)).toHaveLength(1);
    expect(h.sandbox.requests.filter((r) => r.method === 'DELETE').length - deletesBefore).toBe(1);
  });

  it('records a resolved alert without acting', async () => {
    const before = podNames(h);
    const summary = await remediateNotification(
      sns(
        notification([
          {
            labels: { namespace: 'demo', pod: 'web-gone1' },
            fingerprint: 'c3',
            status: 'resolved',
            endsAt: '2026-11-25T10:05:00.000Z',
          },
        ]),
      ),
      h.deps,
      { requestId: 'req-r' },
    );
    expect(summary.outcomes).toEqual({ resolved: 1 });
    expect(podNames(h)).toEqual(before);
    expect(h.notifier.records.at(-1)?.reason).toMatch(/resolved after 300s firing/);
  });

  it('refuses a non-JSON message: audited, dead-lettered, nothing deleted', async () => {
    const before = podNames(h);
    const summary = await remediateNotification(sns('[FIRING:1] KubePodCrashLooping demo'), h.deps, {
      requestId: 'req-x',
    });
    expect(summary.outcomes).toEqual({ rejected: 1 });
    expect(podNames(h)).toEqual(before);
    const dead = await h.tables.doc.send(
      new QueryCommand({
        TableName: h.tables.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT#alert/unparsed' },
      }),
    );
    expect(dead.Items?.[0]).toMatchObject({ outcome: 'rejected', code: 'MALFORMED_MESSAGE' });
    expect(h.metrics.total('Decision', { outcome: 'rejected' })).toBeGreaterThanOrEqual(1);
  });

  it('skips a pod that no longer exists', async () => {
    const summary = await remediateNotification(
      sns(notification([{ labels: { namespace: 'demo', pod: 'web-doesnotexist' }, fingerprint: 'd4' }])),
      h.deps,
      { requestId: 'req-g' },
    );
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(h.notifier.records.at(-1)).toMatchObject({ code: 'target-gone' });
  });

  it('never reaches the API with a hostile label', async () => {
    const requestsBefore = h.sandbox.requests.length;
    const summary = await remediateNotification(
      sns(
        notification([
          {
            labels: { namespace: 'demo', pod: '../../api/v1/namespaces/kube-system/pods/x' },
            fingerprint: 'e5',
          },
        ]),
      ),
      h.deps,
      { requestId: 'req-h' },
    );
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(h.notifier.records.at(-1)).toMatchObject({ code: 'invalid-target' });
    expect(h.sandbox.requests.length).toBe(requestsBefore);
  });

  it('completes the remediation when the notifier is down', async () => {
    const down = await startRemedy([crashLoopPolicy], {
      notifier: { notify: () => Promise.reject(new Error('slack down')) },
    });
    try {
      const [victim] = podNames(down);
      const summary = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: victim ?? '' }, fingerprint: 'f6' }])),
        down.deps,
        { requestId: 'req-n' },
      );
      expect(summary.outcomes).toEqual({ acted: 1 });
      expect(podNames(down)).not.toContain(victim);
      expect(down.metrics.total('NotifyFailed')).toBe(1);
    } finally {
      await down.close();
    }
  });

  it('in dry-run records what it would have done and deletes nothing', async () => {
    const dry = await startRemedy([crashLoopPolicy], { mode: 'dry-run' });
    try {
      const [victim] = podNames(dry);
      const summary = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: victim ?? '' }, fingerprint: 'a7' }])),
        dry.deps,
        { requestId: 'req-d' },
      );
      expect(summary.outcomes).toEqual({ 'would-act': 1 });
      expect(podNames(dry)).toContain(victim);
      expect(dry.notifier.records.at(-1)?.reason).toMatch(
        /^would delete pod demo\/.+ \(global mode is dry-run\)$/,
      );
    } finally {
      await dry.close();
    }
  });
});
