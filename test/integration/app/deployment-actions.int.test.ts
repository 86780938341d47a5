import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAUSED_REFUSAL } from '#domain/actions/rollback/plan-rollback.js';
import { readPolicyFiles } from '../../../infra/local/policies.js';
import type { RemedyHarness } from '../../support/remedy.js';
import { startRemedy } from '../../support/remedy.js';
import {
  deploy,
  fire,
  getObject,
  imageOf,
  podsOf,
  REVISION,
  requestsTo,
  setImage,
  updateSpec,
} from '../../support/workloads.js';

const NS = 'shop';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;
const EXAMPLES = fileURLToPath(new URL('../../../infra/policies', import.meta.url));

/** The same rollback, but for alerts that only name a pod: remedy follows its owners to the Deployment. */
const rollbackByPod = {
  name: 'rollback-bad-release-by-pod',
  match: { alertname: 'HTTPErrorRateHighByPod' },
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'rollbackDeployment' },
};

/** Pins a Deployment to revision 1. */
const pinRevisionOne = {
  name: 'pin-revision-one',
  match: { alertname: 'PinRevisionOne' },
  target: {
    cluster: { value: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    deployment: { fromLabel: 'deployment' },
  },
  action: { type: 'rollbackDeployment', toRevision: 1 },
};

const deploymentOf = (h: RemedyHarness, name: string) => getObject(h, 'deployments', NS, name);
const replicaSetsOf = (h: RemedyHarness, name: string) =>
  h.sandbox.store
    .list('replicasets', NS)
    .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deploymentOf(h, name).metadata.uid);

describe('Deployment actions: the shipped policies, DynamoDB Local and the sandbox API over TLS', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    const examples = readPolicyFiles(EXAMPLES).map((p) => p.document);
    h = await startRemedy([...examples, rollbackByPod, pinRevisionOne]);
  });
  afterAll(async () => h.close());

  describe('rollbackDeployment (rollback-bad-release)', () => {
    it('rolls a fresh release back to the previous image and says from which revision and image to which', async () => {
      // Prepare: revision 2 (nginx:1.28) rolls out just now.
      deploy(h, NS, 'fresh', 'nginx:1.27');
      setImage(h, 'deployments', NS, 'fresh', 'nginx:1.28');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'HTTPErrorRateHigh',
        namespace: NS,
        deployment: 'fresh',
      });

      // Assess
      expect(summary).toMatchObject({ outcomes: { acted: 1 }, retryable: false });
      expect(imageOf(deploymentOf(h, 'fresh'))).toBe('nginx:1.27');
      // The controller reuses revision 1's ReplicaSet and renumbers it, as after `kubectl rollout undo`.
      expect(deploymentOf(h, 'fresh').metadata.annotations?.[REVISION]).toBe('3');
      expect(podsOf(h, NS, 'fresh').map((p) => p.spec.containers[0].image)).toEqual([
        'nginx:1.27',
        'nginx:1.27',
      ]);
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'rollbackDeployment',
        policy: 'rollback-bad-release',
        reason:
          'rolled back deployment shop/fresh in cluster sandbox from revision 2 (nginx:1.28) to revision 1 (nginx:1.27)',
        details: { fromRevision: 2, toRevision: 1, fromImages: 'nginx:1.28', toImages: 'nginx:1.27' },
      });
    });

    it('sends kubectl’s JSON patch over the real HTTP path: the template without pod-template-hash, then the annotations', async () => {
      // Prepare
      deploy(h, NS, 'patched', 'example/app:v1');
      setImage(h, 'deployments', NS, 'patched', 'example/app:v2');

      // Act
      await fire(h, { alertname: 'HTTPErrorRateHigh', namespace: NS, deployment: 'patched' });

      // Assess
      const [patch, ...more] = requestsTo(h, 'PATCH', `/namespaces/${NS}/deployments/patched`);
      expect(more).toEqual([]);
      expect(patch?.contentType).toBe('application/json-patch+json');
      expect(patch?.body).toEqual([
        {
          op: 'replace',
          path: '/spec/template',
          value: expect.objectContaining({
            metadata: expect.objectContaining({ labels: { app: 'patched' } }),
            spec: expect.objectContaining({
              containers: [expect.objectContaining({ image: 'example/app:v1' })],
            }),
          }),
        },
        { op: 'replace', path: '/metadata/annotations', value: { [REVISION]: '2' } },
      ]);
      const lists = requestsTo(
        h,
        'GET',
        `/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dpatched`,
      );
      expect(lists).toHaveLength(1);
    });

    it('only notifies about a release older than 30 minutes: not-fresh, no PATCH', async () => {
      // Prepare: the clock runs two hours ahead, so revision 2 is two hours old.
      deploy(h, NS, 'stale', 'nginx:1.27');
      setImage(h, 'deployments', NS, 'stale', 'nginx:1.28');
      const later = { ...h.deps, clock: () => new Date(Date.now() + TWO_HOURS_MS) };

      // Act
      const { summary, record } = await fire(
        h,
        { alertname: 'HTTPErrorRateHigh', namespace: NS, deployment: 'stale' },
        later,
      );

      // Assess
      expect(summary).toMatchObject({ outcomes: { skipped: 1 }, retryable: false });
      expect(record).toMatchObject({ outcome: 'skipped', code: 'not-fresh' });
      expect(record?.reason).toMatch(
        /^deployment shop\/stale in cluster sandbox not rolled back, revision older than 30m: current revision 2 is 2h(\d+s)? old \(limit 30m\)/,
      );
      expect(requestsTo(h, 'PATCH', '/deployments/stale')).toEqual([]);
      expect(imageOf(deploymentOf(h, 'stale'))).toBe('nginx:1.28');
    });

    it('refuses a paused Deployment with kubectl’s message, final (not retried)', async () => {
      // Prepare
      deploy(h, NS, 'paused', 'nginx:1.27');
      setImage(h, 'deployments', NS, 'paused', 'nginx:1.28');
      updateSpec(h, 'deployments', NS, 'paused', { paused: true });

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'HTTPErrorRateHigh',
        namespace: NS,
        deployment: 'paused',
      });

      // Assess
      expect(summary).toMatchObject({ outcomes: { failed: 1 }, retryable: false });
      expect(record).toMatchObject({
        outcome: 'failed',
        code: 'refused',
        reason: `cannot roll back deployment shop/paused in cluster sandbox: ${PAUSED_REFUSAL}`,
      });
      expect(requestsTo(h, 'PATCH', '/deployments/paused')).toEqual([]);
    });

    it('skips a Deployment already at the target revision', async () => {
      // Prepare: revision 1 is the only one, and the policy pins revision 1.
      deploy(h, NS, 'pinned', 'nginx:1.27');

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'PinRevisionOne',
        namespace: NS,
        deployment: 'pinned',
      });

      // Assess
      expect(summary.outcomes).toEqual({ skipped: 1 });
      expect(record).toMatchObject({
        outcome: 'skipped',
        code: 'already-at-target',
        reason:
          'deployment shop/pinned in cluster sandbox: skipped rollback (current template already matches revision 1)',
      });
      expect(requestsTo(h, 'PATCH', '/deployments/pinned')).toEqual([]);
    });

    it('refuses when there is no history to roll back to', async () => {
      // Prepare
      deploy(h, NS, 'single', 'nginx:1.27');

      // Act
      const { record } = await fire(h, {
        alertname: 'HTTPErrorRateHigh',
        namespace: NS,
        deployment: 'single',
      });

      // Assess
      expect(record).toMatchObject({
        outcome: 'failed',
        code: 'refused',
        reason:
          'cannot roll back deployment shop/single in cluster sandbox: no rollout history found for deployment "single"',
      });
    });

    it('finds the Deployment from a pod label through ownerReferences (Pod → ReplicaSet → Deployment)', async () => {
      // Prepare
      deploy(h, NS, 'owned', 'nginx:1.27');
      setImage(h, 'deployments', NS, 'owned', 'nginx:1.28');
      const [pod] = podsOf(h, NS, 'owned');
      const podName = String(pod?.metadata.name);
      const replicaSet = String(pod?.metadata.ownerReferences?.[0]?.name);

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'HTTPErrorRateHighByPod',
        namespace: NS,
        pod: podName,
      });

      // Assess
      expect(summary.outcomes).toEqual({ acted: 1 });
      expect(imageOf(deploymentOf(h, 'owned'))).toBe('nginx:1.27');
      expect(record).toMatchObject({
        target: { kind: 'Pod', name: podName },
        details: {
          viaPod: podName,
          viaReplicaSet: replicaSet,
          deployment: 'owned',
          fromRevision: 2,
          toRevision: 1,
        },
      });
      expect(requestsTo(h, 'GET', `/api/v1/namespaces/${NS}/pods/${podName}`)).toHaveLength(1);
      expect(requestsTo(h, 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets/${replicaSet}`)).toHaveLength(
        1,
      );
    });
  });

  describe('restartDeployment (restart-stuck-deployment)', () => {
    it('stamps restartedAt with a strategic-merge patch; a new ReplicaSet rolls out', async () => {
      // Prepare
      deploy(h, NS, 'stuck', 'nginx:1.27');
      const before = replicaSetsOf(h, 'stuck').map((rs) => rs.metadata.name);

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'KubeDeploymentReplicasMismatch',
        namespace: NS,
        deployment: 'stuck',
      });

      // Assess
      expect(summary.outcomes).toEqual({ acted: 1 });
      const stamp = deploymentOf(h, 'stuck').spec.template.metadata.annotations?.[RESTARTED_AT];
      expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const after = replicaSetsOf(h, 'stuck');
      expect(after).toHaveLength(before.length + 1);
      expect(after.find((rs) => !before.includes(rs.metadata.name))?.metadata.annotations?.[REVISION]).toBe(
        '2',
      );
      const [patch] = requestsTo(h, 'PATCH', `/namespaces/${NS}/deployments/stuck`);
      expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
      expect(patch?.body).toEqual({
        spec: { template: { metadata: { annotations: { [RESTARTED_AT]: stamp } } } },
      });
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'restartDeployment',
        details: { deployment: 'stuck', restartedAt: stamp },
      });
    });

    it('refuses a paused Deployment with kubectl’s message', async () => {
      // Prepare
      deploy(h, NS, 'stuck-paused', 'nginx:1.27');
      updateSpec(h, 'deployments', NS, 'stuck-paused', { paused: true });

      // Act
      const { summary, record } = await fire(h, {
        alertname: 'KubeDeploymentReplicasMismatch',
        namespace: NS,
        deployment: 'stuck-paused',
      });

      // Assess
      expect(summary).toMatchObject({ outcomes: { failed: 1 }, retryable: false });
      expect(record).toMatchObject({
        code: 'refused',
        reason:
          "cannot restart deployment shop/stuck-paused in cluster sandbox: can't restart paused deployment (run rollout resume first)",
      });
      expect(requestsTo(h, 'PATCH', '/deployments/stuck-paused')).toEqual([]);
    });
  });
});
