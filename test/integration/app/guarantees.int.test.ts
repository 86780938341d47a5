import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoControls } from '#adapters/dynamodb/controls.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { AuditRecord } from '#domain/audit.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

/** Scales demo/web in the sandbox so there are `n` real pods to act on. */
const scaleWeb = (h: RemedyHarness, replicas: number): string[] => {
  const web = h.sandbox.store.get('deployments', 'demo', 'web');
  if (!web) throw new Error('sandbox has no demo/web');
  h.sandbox.store.update('deployments', { ...web, spec: { ...(web.spec as object), replicas } });
  return h.sandbox.store.list('pods', 'demo').map((p) => String(p.metadata.name));
};
const deletes = (h: RemedyHarness) => h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
const hex = (i: number, salt: number) => (salt * 100_000 + i).toString(16).padStart(8, '0');
const sns = (body: unknown) => ({
  MessageId: crypto.randomUUID(),
  Message: JSON.stringify(body),
  MessageAttributes: {},
});

describe('guarantees under concurrency and storms (DynamoDB Local + sandbox)', () => {
  describe('idempotency', () => {
    let h: RemedyHarness;
    beforeAll(async () => {
      h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 1000, per: '1h' } } }]);
    });
    afterAll(async () => h.close());

    it('10 concurrent deliveries of one notification with 100 alerts act exactly 100 times', async () => {
      const pods = scaleWeb(h, 100).slice(0, 100);
      const message = sns(
        notification(pods.map((pod, i) => ({ labels: { namespace: 'demo', pod }, fingerprint: hex(i, 1) }))),
      );
      const before = deletes(h);
      const summaries = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          remediateNotification(message, h.deps, { requestId: `req-${i}` }),
        ),
      );
      expect(summaries.reduce((sum, s) => sum + (s.outcomes.acted ?? 0), 0)).toBe(100);
      expect(deletes(h) - before).toBe(100);
      expect(summaries.reduce((sum, s) => sum + (s.outcomes.skipped ?? 0), 0)).toBe(900);
    });
  });

  describe('budgets in a storm', () => {
    let h: RemedyHarness;
    beforeAll(async () => {
      h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 5, per: '1h' } } }]);
    });
    afterAll(async () => h.close());

    it('500 matching alerts with a budget of 5 per hour: 5 actions, 495 audited skips, one summary', async () => {
      const pods = scaleWeb(h, 500);
      const before = deletes(h);
      const summary = await remediateNotification(
        sns(
          notification(
            pods.map((pod, i) => ({ labels: { namespace: 'demo', pod }, fingerprint: hex(i, 2) })),
          ),
        ),
        h.deps,
        { requestId: 'storm' },
      );
      expect(summary.outcomes).toEqual({ acted: 5, skipped: 495 });
      expect(deletes(h) - before).toBe(5);
      const budgetNotes = h.notifier.records.filter((r: AuditRecord) => r.code === 'budget-exhausted');
      expect(budgetNotes).toHaveLength(1);
      expect(budgetNotes[0]?.reason).toMatch(
        /^495 alert\(s\) not acted on: budget exhausted: policy restart-crashlooping-pod allows 5 actions per 1h/,
      );
      expect(h.metrics.total('Decision', { outcome: 'skipped', code: 'budget-exhausted' })).toBe(495);
    });
  });

  describe('kill switch and circuit breaker', () => {
    let h: RemedyHarness;
    let controls: DynamoControls;
    beforeAll(async () => {
      h = await startRemedy([{ ...crashLoopPolicy, guard: { circuitBreaker: { consecutiveFailures: 2 } } }]);
      controls = new DynamoControls(h.tables.doc, h.tables.stateTable);
    });
    afterAll(async () => h.close());

    it('a pause stops the next action; resume lets it through', async () => {
      const [pod] = scaleWeb(h, 3);
      await controls.pause('incident 4711', 'oncall', new Date());
      const paused = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: pod ?? '' }, fingerprint: 'aa01' }])),
        h.deps,
        {
          requestId: 'p1',
        },
      );
      expect(paused.outcomes).toEqual({ skipped: 1 });
      expect(h.notifier.records.at(-1)).toMatchObject({ code: 'paused' });
      await controls.resume('oncall', new Date());
      const resumed = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: pod ?? '' }, fingerprint: 'aa01' }])),
        h.deps,
        {
          requestId: 'p2',
        },
      );
      expect(resumed.outcomes).toEqual({ acted: 1 });
    });

    it('K failed actions in a row open the breaker; later alerts are skipped until resumed', async () => {
      // Every DELETE fails with 403 (RBAC denied): a failure no retry fixes.
      const fault = h.sandbox.faults.add({
        method: 'DELETE',
        pathPattern: /\/pods\//,
        status: 403,
        times: Number.POSITIVE_INFINITY,
      });
      const pods = scaleWeb(h, 3);
      for (const [i, pod] of pods.slice(0, 2).entries()) {
        const s = await remediateNotification(
          sns(notification([{ labels: { namespace: 'demo', pod }, fingerprint: `bb0${i}` }])),
          h.deps,
          {
            requestId: `f${i}`,
          },
        );
        expect(s.outcomes.failed).toBe(1);
      }
      expect(h.notifier.records.at(-1)).toMatchObject({ code: 'circuit-opened' });
      fault.remove();
      const blocked = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: pods[2] ?? '' }, fingerprint: 'bb09' }])),
        h.deps,
        { requestId: 'f9' },
      );
      expect(blocked.outcomes).toEqual({ skipped: 1 });
      expect(h.notifier.records.at(-1)).toMatchObject({ code: 'circuit-open' });
      await controls.resumePolicy('restart-crashlooping-pod', 'oncall', new Date());
      const again = await remediateNotification(
        sns(notification([{ labels: { namespace: 'demo', pod: pods[2] ?? '' }, fingerprint: 'bb0a' }])),
        h.deps,
        { requestId: 'f10' },
      );
      expect(again.outcomes).toEqual({ acted: 1 });
    });
  });
});
