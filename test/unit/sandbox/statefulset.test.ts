import { describe, expect, it } from 'vitest';
import { attachControllers } from '../../../infra/local/sandbox/controllers/index.js';
import { applyStrategicMergePatch } from '../../../infra/local/sandbox/patch/index.js';
import { seed } from '../../../infra/local/sandbox/seed.js';
import { SandboxStore } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';

function seeded(): SandboxStore {
  const store = new SandboxStore();
  attachControllers(store);
  seed(store);
  return store;
}

const db = (store: SandboxStore) => store.get('statefulsets', 'data', 'db') as K8sObject;

function change(store: SandboxStore, edit: (sts: K8sObject) => void): void {
  const sts = db(store);
  edit(sts);
  store.update('statefulsets', sts);
}

const setImage = (store: SandboxStore, image: string) =>
  change(store, (s) => {
    s.spec.template.spec.containers[0].image = image;
  });

const revisions = (store: SandboxStore) =>
  store
    .list('controllerrevisions', 'data')
    .filter((cr) => cr.metadata.ownerReferences?.[0]?.kind === 'StatefulSet')
    .map((cr) => ({ name: cr.metadata.name, revision: cr.revision as number, data: cr.data as K8sObject }))
    .sort((a, b) => a.revision - b.revision);

const pods = (store: SandboxStore) =>
  store
    .list('pods', 'data')
    .filter((p) => p.metadata.name?.startsWith('db-'))
    .map((p) => ({
      name: p.metadata.name,
      uid: p.metadata.uid,
      image: p.spec.containers[0].image as string,
      revision: p.metadata.labels?.['controller-revision-hash'],
    }));

describe('sandbox StatefulSet controller', () => {
  it('seeds data/db: pods db-0 and db-1 at ControllerRevision 1, owned and labelled like the real ones', () => {
    // Act
    const store = seeded();

    // Assess
    const sts = db(store);
    const [cr, ...more] = store
      .list('controllerrevisions', 'data')
      .filter((r) => r.metadata.name?.startsWith('db-'));
    expect(more).toEqual([]);
    expect(cr).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      revision: 1,
      metadata: {
        labels: { app: 'db', 'controller-revision-hash': expect.any(String) },
        ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: sts.metadata.uid, controller: true }],
      },
    });
    // The shape kubectl's history code applies as a strategic merge patch, keys in Go's sorted order.
    expect(JSON.stringify(cr?.data)).toMatch(
      /^\{"spec":\{"template":\{"\$patch":"replace","metadata":\{"creationTimestamp":null,"labels":\{"app":"db"\}\},"spec":\{/,
    );
    for (const [i, pod] of store
      .list('pods', 'data')
      .filter((p) => p.metadata.name?.startsWith('db-'))
      .entries()) {
      expect(pod.metadata).toMatchObject({
        name: `db-${i}`,
        labels: {
          app: 'db',
          'controller-revision-hash': cr?.metadata.name,
          'statefulset.kubernetes.io/pod-name': `db-${i}`,
          'apps.kubernetes.io/pod-index': String(i),
        },
        ownerReferences: [{ kind: 'StatefulSet', uid: sts.metadata.uid, controller: true }],
      });
      expect(pod.spec).toMatchObject({ hostname: `db-${i}`, subdomain: 'db' });
      expect(pod.status.phase).toBe('Running');
    }
    expect(sts.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      currentRevision: cr?.metadata.name,
      updateRevision: cr?.metadata.name,
    });
  });

  it('recreates every pod on a template change, at a new revision 2', () => {
    // Prepare
    const store = seeded();
    const before = pods(store);

    // Act
    setImage(store, 'postgres:17');

    // Assess
    const [first, second] = revisions(store);
    expect([first?.revision, second?.revision]).toEqual([1, 2]);
    const after = pods(store);
    expect(after.map((p) => [p.name, p.image, p.revision])).toEqual([
      ['db-0', 'postgres:17', second?.name],
      ['db-1', 'postgres:17', second?.name],
    ]);
    expect(after.map((p) => p.uid)).not.toContain(before[0]?.uid);
    expect(db(store).status).toMatchObject({ currentRevision: second?.name, updateRevision: second?.name });
  });

  it('renumbers the old revision to 3 when its data is patched back, as `rollout undo` does', () => {
    // Prepare
    const store = seeded();
    setImage(store, 'postgres:17');
    const [first] = revisions(store);

    // Act
    store.update('statefulsets', applyStrategicMergePatch(db(store), first?.data) as K8sObject);

    // Assess
    expect(revisions(store).map((r) => [r.name, r.revision])).toEqual([
      [revisions(store)[0]?.name, 2],
      [first?.name, 3],
    ]);
    expect(pods(store).map((p) => [p.image, p.revision])).toEqual([
      ['postgres:16', first?.name],
      ['postgres:16', first?.name],
    ]);
  });

  it('scales down from the highest ordinal and up with the next ordinals', () => {
    // Prepare
    const store = seeded();

    // Act
    change(store, (s) => {
      s.spec.replicas = 4;
    });
    const up = pods(store).map((p) => p.name);
    change(store, (s) => {
      s.spec.replicas = 1;
    });

    // Assess
    expect(up).toEqual(['db-0', 'db-1', 'db-2', 'db-3']);
    expect(pods(store).map((p) => p.name)).toEqual(['db-0']);
    expect(db(store).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('updates only ordinals at or above the partition and keeps the current revision', () => {
    // Prepare
    const store = seeded();
    change(store, (s) => {
      s.spec.updateStrategy.rollingUpdate.partition = 1;
    });
    const [first] = revisions(store);

    // Act
    setImage(store, 'postgres:17');

    // Assess
    const second = revisions(store)[1];
    expect(pods(store).map((p) => [p.name, p.image])).toEqual([
      ['db-0', 'postgres:16'],
      ['db-1', 'postgres:17'],
    ]);
    expect(db(store).status).toMatchObject({
      currentRevision: first?.name,
      updateRevision: second?.name,
      currentReplicas: 1,
      updatedReplicas: 1,
    });
  });

  it('with OnDelete, leaves pods alone until one is deleted, which comes back updated under the same name', () => {
    // Prepare
    const store = seeded();
    change(store, (s) => {
      s.spec.updateStrategy = { type: 'OnDelete' };
    });

    // Act
    setImage(store, 'postgres:17');
    const untouched = pods(store).map((p) => p.image);
    store.delete('pods', 'data', 'db-1');

    // Assess
    expect(untouched).toEqual(['postgres:16', 'postgres:16']);
    expect(pods(store).map((p) => [p.name, p.image])).toEqual([
      ['db-0', 'postgres:16'],
      ['db-1', 'postgres:17'],
    ]);
  });

  it('keeps at most revisionHistoryLimit revisions besides the live one', () => {
    // Prepare
    const store = seeded();
    change(store, (s) => {
      s.spec.revisionHistoryLimit = 1;
    });

    // Act
    for (const tag of ['17', '18', '19']) setImage(store, `postgres:${tag}`);

    // Assess
    expect(revisions(store).map((r) => r.revision)).toEqual([3, 4]);
  });

  it('refuses to change immutable spec fields (422)', () => {
    // Prepare
    const store = seeded();
    const sts = db(store);
    sts.spec.serviceName = 'other';

    // Act / Assess
    expect(() => store.update('statefulsets', sts)).toThrow(
      /updates to statefulset spec for fields other than/,
    );
  });
});
