import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoopPolicy, type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { deploy, fire, getObject, podsOf, requestsTo, updateSpec } from '../../support/workloads.js';

/** The evict-memory-hog example policy. */
const evictPolicy = {
  name: 'evict-memory-hog',
  match: { alertname: 'ContainerMemoryNearLimit' },
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'evictPod', gracePeriodSeconds: 30 },
};

/** deletePod that first checks the pod's PodDisruptionBudgets. */
const carefulDelete = {
  ...crashLoopPolicy,
  name: 'restart-crashlooping-pod-within-budget',
  match: { alertname: 'KubePodCrashLoopingWithinBudget' },
  action: { type: 'deletePod', gracePeriodSeconds: 0, respectPodDisruptionBudget: true },
};

const exists = (h: RemedyHarness, namespace: string, name: string) =>
  h.sandbox.store.get('pods', namespace, name) !== undefined;
const budget = (h: RemedyHarness, namespace: string, name: string, app: string, minAvailable: number) =>
  h.sandbox.store.create('poddisruptionbudgets', {
    metadata: { name, namespace },
    spec: { minAvailable, selector: { matchLabels: { app } } },
  });
// A target acted on (or skipped) stays in cooldown for the policy's guard.cooldown, so each test takes a pod
// no earlier test has touched.
const touched = new Set<string>();
const firstPod = (h: RemedyHarness, namespace: string, app: string): string => {
  const name = podsOf(h, namespace, app)
    .map((p) => String(p.metadata.name))
    .find((n) => !touched.has(n));
  if (!name) throw new Error(`no untouched pod of ${namespace}/${app}`);
  touched.add(name);
  return name;
};

describe('pod disruption: evictPod and deletePod with PodDisruptionBudgets (sandbox over TLS)', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    h = await startRemedy([evictPolicy, carefulDelete]);
  });
  afterAll(async () => h.close());

  describe('evictPod', () => {
    it('evicts through policy/v1 with a uid precondition while web-pdb allows a disruption', async () => {
      // Prepare: demo/web has 3 ready pods and web-pdb needs 2, so one may go.
      const victim = firstPod(h, 'demo', 'web');
      const uid = getObject(h, 'pods', 'demo', victim).metadata.uid;

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'ContainerMemoryNearLimit',
        namespace: 'demo',
        pod: victim,
      });

      // Assess
      expect(summary.outcomes).toEqual({ acted: 1 });
      expect(exists(h, 'demo', victim)).toBe(false);
      expect(podsOf(h, 'demo', 'web')).toHaveLength(3);
      const [eviction] = requestsTo(h, 'POST', `/api/v1/namespaces/demo/pods/${victim}/eviction`);
      expect(eviction?.body).toEqual({
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: victim, namespace: 'demo' },
        deleteOptions: { preconditions: { uid }, gracePeriodSeconds: 30 },
      });
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'evictPod',
        reason: `evicted pod demo/${victim} in cluster sandbox`,
        details: { podUid: uid },
      });
    });

    it('reports a 429 from web-pdb as blocked-by-pdb: not forced, not retried, the pod stays', async () => {
      // Prepare: two replicas and a budget that needs two leave no disruption to spend.
      updateSpec(h, 'deployments', 'demo', 'web', { replicas: 2 });
      const victim = firstPod(h, 'demo', 'web');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'ContainerMemoryNearLimit',
        namespace: 'demo',
        pod: victim,
      });

      // Assess
      expect(summary).toMatchObject({ outcomes: { skipped: 1 }, retryable: false });
      expect(record).toMatchObject({
        outcome: 'skipped',
        code: 'blocked-by-pdb',
        reason: `pod demo/${victim} in cluster sandbox not evicted: blocked by PodDisruptionBudget web-pdb: needs 2 healthy pods and has 2 currently; not forced`,
        details: {
          budget: 'web-pdb',
          apiMessage: "Cannot evict pod as it would violate the pod's disruption budget.",
        },
      });
      expect(exists(h, 'demo', victim)).toBe(true);
      expect(requestsTo(h, 'POST', `/pods/${victim}/eviction`)).toHaveLength(1);
      expect(requestsTo(h, 'DELETE', `/pods/${victim}`)).toEqual([]);
    });

    it('reports a pod under two budgets as multiple-pdbs, failed for good, and keeps it', async () => {
      // Prepare
      deploy(h, 'shop', 'twice', 'nginx:1.27', 3);
      budget(h, 'shop', 'twice-a', 'twice', 1);
      budget(h, 'shop', 'twice-b', 'twice', 2);
      const victim = firstPod(h, 'shop', 'twice');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'ContainerMemoryNearLimit',
        namespace: 'shop',
        pod: victim,
      });

      // Assess
      expect(summary).toMatchObject({ outcomes: { failed: 1 }, retryable: false });
      expect(record).toMatchObject({
        outcome: 'failed',
        code: 'multiple-pdbs',
        reason: `pod shop/${victim} in cluster sandbox not evicted: more than one PodDisruptionBudget selects it (This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.)`,
      });
      expect(exists(h, 'shop', victim)).toBe(true);
    });
  });

  describe('deletePod with respectPodDisruptionBudget', () => {
    it('skips as blocked-by-pdb when the budget has no disruption left, without a DELETE', async () => {
      // Prepare: demo/web runs 2 pods and web-pdb needs 2 (previous test).
      expect(getObject(h, 'poddisruptionbudgets', 'demo', 'web-pdb').status).toMatchObject({
        disruptionsAllowed: 0,
      });
      const victim = firstPod(h, 'demo', 'web');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'KubePodCrashLoopingWithinBudget',
        namespace: 'demo',
        pod: victim,
      });

      // Assess
      expect(summary.outcomes).toEqual({ skipped: 1 });
      expect(record).toMatchObject({
        code: 'blocked-by-pdb',
        reason: `pod demo/${victim} in cluster sandbox not deleted: blocked by PodDisruptionBudget web-pdb: needs 2 healthy pods and has 2`,
        details: { budget: 'web-pdb' },
      });
      expect(requestsTo(h, 'GET', '/apis/policy/v1/namespaces/demo/poddisruptionbudgets')).not.toHaveLength(
        0,
      );
      expect(requestsTo(h, 'DELETE', `/pods/${victim}`)).toEqual([]);
      expect(exists(h, 'demo', victim)).toBe(true);
    });

    it('deletes when the budget allows a disruption', async () => {
      // Prepare
      updateSpec(h, 'deployments', 'demo', 'web', { replicas: 3 });
      const victim = firstPod(h, 'demo', 'web');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'KubePodCrashLoopingWithinBudget',
        namespace: 'demo',
        pod: victim,
      });

      // Assess
      expect(summary.outcomes).toEqual({ acted: 1 });
      expect(record).toMatchObject({ code: 'deletePod' });
      expect(exists(h, 'demo', victim)).toBe(false);
      expect(requestsTo(h, 'DELETE', `/pods/${victim}`)).toHaveLength(1);
    });
  });
});
