// The sandbox's controllers find a workload's pods through the store's index by controller uid, and read the
// stored objects without copying them. These tests pin what that must not change: many pods per ReplicaSet,
// owner references changed or dropped through the API, owners deleted and recreated under the same name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isControlledBy } from '../../../infra/local/sandbox/controllers/util.js';
import type { Sandbox } from '../../../infra/local/sandbox/index.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { call, startTestSandbox, stopTestSandbox } from './helpers.js';

const NS = 'owners';

let sandbox: Sandbox;
let dir: string;

const api = (method: string, path: string, body?: unknown, contentType?: string) =>
  call(sandbox, method, path, { body, ...(contentType ? { contentType } : {}) });
const podPath = (name: string) => `/api/v1/namespaces/${NS}/pods/${name}`;

/** A ReplicaSet with no Deployment above it: app=<name>, `replicas` pods. */
function replicaSet(name: string, replicas: number): K8sObject {
  return sandbox.store.create('replicasets', {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `example/${name}:v1` }] },
      },
    },
  });
}

const current = (name: string) => sandbox.store.get('replicasets', NS, name) as K8sObject;

/** The namespace's pods the ReplicaSet controls, by a scan (the definition the index must agree with). */
const scanned = (rs: K8sObject) => sandbox.store.list('pods', NS).filter((p) => isControlledBy(p, rs));
const names = (objects: K8sObject[]) => objects.map((o) => o.metadata.name);

/** What the index answers for the ReplicaSet equals the scan, in the same order. */
function expectIndexAgrees(rs: K8sObject): void {
  expect(names(sandbox.store.peekControlled('pods', NS, rs.metadata.uid))).toEqual(names(scanned(rs)));
}

beforeAll(async () => {
  ({ sandbox, dir } = await startTestSandbox('owners', { seed: false, namespace: NS }));
});

afterAll(() => stopTestSandbox(sandbox, dir));

describe('controllers and the owner index', () => {
  it('replaces exactly the one pod deleted over the API from a ReplicaSet of 300, leaving the other 299 untouched', async () => {
    // Prepare
    const rs = replicaSet('big', 300);
    const before = scanned(rs);
    const victim = before[137] as K8sObject;

    // Act
    const res = await api('DELETE', podPath(victim.metadata.name as string), {
      gracePeriodSeconds: 0,
      preconditions: { uid: victim.metadata.uid },
    });

    // Assess
    expect(res.status).toBe(200);
    expect((await api('GET', podPath(victim.metadata.name as string))).status).toBe(404);
    const after = scanned(rs);
    expect(after).toHaveLength(300);
    const added = after.filter((p) => !before.some((b) => b.metadata.uid === p.metadata.uid));
    expect(added).toHaveLength(1);
    expect(added[0]?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicaSet', name: 'big', uid: rs.metadata.uid, controller: true }),
    ]);
    expect(added[0]?.status?.phase).toBe('Running');
    const kept = before.filter((p) => p.metadata.uid !== victim.metadata.uid);
    expect(
      kept.map((p) => sandbox.store.get('pods', NS, p.metadata.name as string)?.metadata.resourceVersion),
    ).toEqual(kept.map((p) => p.metadata.resourceVersion));
    expect(current('big').status).toMatchObject({
      replicas: 300,
      readyReplicas: 300,
      availableReplicas: 300,
    });
    expectIndexAgrees(rs);
  });

  it('stops counting a pod whose controller reference is patched away, and counts it again when it is given back', async () => {
    // Prepare
    const rs = replicaSet('moving', 5);
    const pod = scanned(rs)[0] as K8sObject;
    const name = pod.metadata.name as string;

    // Act
    const released = await api(
      'PATCH',
      podPath(name),
      { metadata: { ownerReferences: null } },
      'application/merge-patch+json',
    );
    const whileOrphaned = names(scanned(rs));
    const adopted = await api(
      'PATCH',
      podPath(name),
      { metadata: { ownerReferences: pod.metadata.ownerReferences } },
      'application/merge-patch+json',
    );

    // Assess
    expect(released.status).toBe(200);
    expect((released.body as K8sObject).metadata.ownerReferences).toBeUndefined();
    // Orphaned, the pod stays and the ReplicaSet makes a fifth one of its own.
    expect(whileOrphaned).toHaveLength(5);
    expect(whileOrphaned).not.toContain(name);
    expect(adopted.status).toBe(200);
    // Adopted back, the ReplicaSet has six and scales down to five.
    expect(scanned(rs)).toHaveLength(5);
    expect(sandbox.store.list('pods', NS).filter((p) => p.metadata.labels?.app === 'moving')).toHaveLength(5);
    expect(current('moving').status).toMatchObject({ replicas: 5, readyReplicas: 5 });
    expectIndexAgrees(rs);
  });

  it('gives a ReplicaSet recreated under the same name none of the pods its orphaning predecessor left behind', async () => {
    // Prepare
    const first = replicaSet('again', 4);
    const orphans = names(scanned(first));

    // Act
    const res = await api('DELETE', `/apis/apps/v1/namespaces/${NS}/replicasets/again`, {
      propagationPolicy: 'Orphan',
    });
    const second = replicaSet('again', 2);

    // Assess
    expect(res.status).toBe(200);
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    for (const name of orphans) {
      expect(sandbox.store.get('pods', NS, name as string)?.metadata.ownerReferences).toBeUndefined();
    }
    const owned = scanned(second);
    expect(owned).toHaveLength(2);
    expect(names(owned).some((n) => orphans.includes(n))).toBe(false);
    expect(sandbox.store.peekControlled('pods', NS, first.metadata.uid)).toEqual([]);
    expect(current('again').status).toMatchObject({ replicas: 2 });
    expectIndexAgrees(second);
  });

  it('collects every pod of a ReplicaSet deleted in the background', async () => {
    // Prepare
    const rs = replicaSet('gone', 40);

    // Act
    const res = await api('DELETE', `/apis/apps/v1/namespaces/${NS}/replicasets/gone`, {
      propagationPolicy: 'Background',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(sandbox.store.list('pods', NS).filter((p) => p.metadata.labels?.app === 'gone')).toEqual([]);
    expect(sandbox.store.peekControlled('pods', NS, rs.metadata.uid)).toEqual([]);
  });

  it('hands controllers stored objects that cannot be changed in place, and everyone else copies', () => {
    // Prepare
    const rs = replicaSet('frozen', 1);
    const [pod] = sandbox.store.peekControlled('pods', NS, rs.metadata.uid);
    const name = pod?.metadata.name as string;

    // Act
    const write = () => {
      (pod as K8sObject).metadata.labels = { app: 'changed' };
    };
    const copy = sandbox.store.get('pods', NS, name) as K8sObject;
    copy.metadata.labels = { app: 'changed' };

    // Assess
    expect(write).toThrow(TypeError);
    expect(sandbox.store.peek('pods', NS, name)?.metadata.labels).toEqual({ app: 'frozen' });
    expect(sandbox.store.get('pods', NS, name)?.metadata.labels).toEqual({ app: 'frozen' });
  });
});
