import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import type { StoreEvent } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { call } from './helpers.js';

const NS = 'ev';
const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

let sandbox: Sandbox;
let dir: string;

/** POSTs a policy/v1 Eviction for `name` (body name `bodyName`, default the same) over HTTPS. */
const evict = (
  namespace: string,
  name: string,
  extra: Record<string, unknown> = {},
  bodyName = name,
  query = '',
) =>
  call(sandbox, 'POST', `/api/v1/namespaces/${namespace}/pods/${name}/eviction${query}`, {
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: bodyName, namespace }, ...extra },
  });

function deploy(app: string, replicas: number): void {
  sandbox.store.create('deployments', {
    metadata: { name: app, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  });
}

function budget(name: string, app: string, spec: Record<string, unknown>, namespace = NS): void {
  sandbox.store.create('poddisruptionbudgets', {
    metadata: { name, namespace },
    spec: { ...spec, selector: { matchLabels: { app } } },
  });
}

/** A pod with a fixed status the kubelet leaves alone (it only starts Pending pods without statuses). */
function bare(name: string, app: string, status: Record<string, unknown>): K8sObject {
  return sandbox.store.create('pods', {
    metadata: { name, namespace: NS, labels: { app } },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { containerStatuses: [{ name: 'c', ready: false, restartCount: 0 }], ...status },
  });
}

const podsOf = (namespace: string, app: string) =>
  sandbox.store.list('pods', namespace).filter((p) => p.metadata.labels?.app === app);
const firstPod = (namespace: string, app: string) => podsOf(namespace, app)[0] as K8sObject;
const exists = (namespace: string, name: string | undefined) =>
  !!sandbox.store.get('pods', namespace, name ?? '');
const pdbStatus = (namespace: string, name: string) =>
  (sandbox.store.get('poddisruptionbudgets', namespace, name) as K8sObject).status;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remedy-sandbox-eviction-'));
  sandbox = await startSandbox({ dir });
  sandbox.store.create('namespaces', { metadata: { name: NS } });
  deploy('free', 2); // no budget
  deploy('tight', 2);
  budget('tight', 'tight', { minAvailable: 2 }); // disruptionsAllowed 0
  deploy('twice', 2);
  budget('twice-a', 'twice', { maxUnavailable: 1 });
  budget('twice-b', 'twice', { minAvailable: 1 });
});

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pods/eviction over HTTPS', () => {
  it('deletes a pod no budget covers: 201 with a Success Status, and the ReplicaSet replaces it', async () => {
    // Prepare
    const pod = firstPod(NS, 'free');

    // Act
    const res = await evict(NS, pod.metadata.name as string);

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    expect(exists(NS, pod.metadata.name)).toBe(false);
    expect(podsOf(NS, 'free')).toHaveLength(2);
  });

  it('consumes a disruption of the one matching budget (demo/web-pdb) before deleting the pod', async () => {
    // Prepare
    const pod = firstPod('demo', 'web');
    const events: StoreEvent[] = [];
    const stop = sandbox.store.subscribe((e) => events.push(e));

    // Act
    const res = await evict('demo', pod.metadata.name as string);
    stop();

    // Assess
    expect(res.status).toBe(201);
    const decremented = events.findIndex(
      (e) =>
        e.def.resource === 'poddisruptionbudgets' &&
        e.object.status.disruptionsAllowed === 0 &&
        e.object.status.disruptedPods?.[pod.metadata.name as string],
    );
    const deleted = events.findIndex(
      (e) => e.type === 'DELETED' && e.object.metadata.uid === pod.metadata.uid,
    );
    expect(decremented).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(decremented);
    const last = events[deleted]?.object as K8sObject;
    expect(last.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'DisruptionTarget',
        reason: 'EvictionByEvictionAPI',
        message: 'Eviction API: evicting',
      }),
    );
    // The replacement is ready at once in the sandbox, so the budget recovers.
    expect(pdbStatus('demo', 'web-pdb')).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('refuses with 429 and the DisruptionBudget cause when the budget allows no disruption', async () => {
    // Prepare
    const pod = firstPod(NS, 'tight');

    // Act
    const res = await evict(NS, pod.metadata.name as string);

    // Assess
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: REFUSED,
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget tight needs 2 healthy pods and has 2 currently',
          },
        ],
      },
      code: 429,
    });
    expect(res.headers['retry-after']).toBeUndefined();
    expect(exists(NS, pod.metadata.name)).toBe(true);
  });

  it('answers 500 when more than one budget selects the pod, and keeps it', async () => {
    // Prepare
    const pod = firstPod(NS, 'twice');

    // Act
    const res = await evict(NS, pod.metadata.name as string);

    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
    expect(exists(NS, pod.metadata.name)).toBe(true);
  });

  it('answers 400 when the URL name differs from the Eviction name, and 404 for a missing pod', async () => {
    // Prepare
    const pod = firstPod(NS, 'free');

    // Act
    const mismatch = await evict(NS, pod.metadata.name as string, {}, 'someone-else');
    const missing = await evict(NS, 'nope');

    // Assess
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({
      reason: 'BadRequest',
      message: 'name in URL does not match name in Eviction object',
    });
    expect(exists(NS, pod.metadata.name)).toBe(true);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found' });
  });

  it('honours deleteOptions.preconditions.uid: 409 on a mismatch, eviction with the right uid', async () => {
    // Prepare
    const pod = firstPod(NS, 'free');
    const name = pod.metadata.name as string;

    // Act
    const stale = await evict(NS, name, { deleteOptions: { preconditions: { uid: 'not-the-uid' } } });
    const right = await evict(NS, name, { deleteOptions: { preconditions: { uid: pod.metadata.uid } } });

    // Assess
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on Pod "${name}": the UID in the precondition (not-the-uid) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`,
      details: { name, kind: 'Pod' },
    });
    expect(right.status).toBe(201);
    expect(exists(NS, name)).toBe(false);
  });

  it('skips the budget for Pending and Succeeded pods, and for an unready pod while the budget is met', async () => {
    // Prepare
    const pending = bare('tight-pending', 'tight', { phase: 'Pending' });
    const done = bare('tight-done', 'tight', { phase: 'Succeeded' });
    const unready = bare('tight-unready', 'tight', {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
    });
    const before = pdbStatus(NS, 'tight');

    // Act
    const results = [];
    for (const pod of [pending, done, unready])
      results.push((await evict(NS, pod.metadata.name as string)).status);

    // Assess
    expect(before).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(results).toEqual([201, 201, 201]);
    for (const pod of [pending, done, unready]) expect(exists(NS, pod.metadata.name)).toBe(false);
  });

  it('with dryRun=All answers 201 but neither deletes the pod nor touches the budget', async () => {
    // Prepare
    const pod = firstPod('demo', 'web');
    const before = pdbStatus('demo', 'web-pdb');

    // Act
    const res = await evict(
      'demo',
      pod.metadata.name as string,
      {},
      pod.metadata.name as string,
      '?dryRun=All',
    );

    // Assess
    expect(res.status).toBe(201);
    expect(exists('demo', pod.metadata.name)).toBe(true);
    expect(pdbStatus('demo', 'web-pdb')).toEqual(before);
  });

  it('answers 429 with Retry-After 10 while a budget is not processed (a DaemonSet budget fails to sync)', async () => {
    // Prepare
    budget('agent', 'agent', { maxUnavailable: 1 }, 'data');
    const pod = firstPod('data', 'agent');

    // Act
    const res = await evict('data', pod.metadata.name as string);

    // Assess
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.body).toMatchObject({
      message: REFUSED,
      details: {
        retryAfterSeconds: 10,
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget agent is still being processed by the server.',
          },
        ],
      },
    });
    expect(exists('data', pod.metadata.name)).toBe(true);
  });
});
