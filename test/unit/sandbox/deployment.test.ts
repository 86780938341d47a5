import { describe, expect, it } from 'vitest';
import { attachControllers } from '../../../infra/local/sandbox/controllers/index.js';
import { SandboxStore } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';

const REVISION = 'deployment.kubernetes.io/revision';
const HISTORY = 'deployment.kubernetes.io/revision-history';

function storeWithApp(spec: Record<string, unknown> = {}): SandboxStore {
  const store = new SandboxStore();
  attachControllers(store);
  store.create('namespaces', { metadata: { name: 'ns' } });
  store.create('deployments', {
    metadata: { name: 'app', namespace: 'ns' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: { containers: [{ name: 'c', image: 'img:1' }] },
      },
      ...spec,
    },
  });
  return store;
}

const app = (store: SandboxStore) => store.get('deployments', 'ns', 'app') as K8sObject;

function change(store: SandboxStore, edit: (d: K8sObject) => void): K8sObject {
  const d = app(store);
  edit(d);
  return store.update('deployments', d);
}

const setImage = (store: SandboxStore, image: string) =>
  change(store, (d) => {
    d.spec.template.spec.containers[0].image = image;
  });

const sets = (store: SandboxStore) =>
  store
    .list('replicasets', 'ns')
    .map((rs) => ({
      image: rs.spec.template.spec.containers[0].image as string,
      revision: rs.metadata.annotations?.[REVISION],
      history: rs.metadata.annotations?.[HISTORY],
      replicas: rs.spec.replicas as number,
    }))
    .sort((a, b) => Number(a.revision) - Number(b.revision));

describe('sandbox Deployment controller', () => {
  it('keeps only revisionHistoryLimit old ReplicaSets, deleting the oldest', () => {
    // Prepare
    const store = storeWithApp({ revisionHistoryLimit: 2 });

    // Act
    for (const image of ['img:2', 'img:3', 'img:4']) setImage(store, image);

    // Assess
    expect(sets(store)).toEqual([
      { image: 'img:2', revision: '2', history: undefined, replicas: 0 },
      { image: 'img:3', revision: '3', history: undefined, replicas: 0 },
      { image: 'img:4', revision: '4', history: undefined, replicas: 2 },
    ]);
  });

  it('renumbers a reused ReplicaSet to max+1 and records its old number in revision-history', () => {
    // Prepare
    const store = storeWithApp();
    setImage(store, 'img:2');

    // Act
    setImage(store, 'img:1');
    setImage(store, 'img:2');

    // Assess
    expect(sets(store)).toEqual([
      { image: 'img:1', revision: '3', history: '1', replicas: 0 },
      { image: 'img:2', revision: '4', history: '2', replicas: 2 },
    ]);
    expect(app(store).metadata.annotations?.[REVISION]).toBe('4');
  });

  it('stores template changes of a paused Deployment without rolling out, and rolls out on resume', () => {
    // Prepare
    const store = storeWithApp();
    change(store, (d) => {
      d.spec.paused = true;
    });

    // Act
    const paused = setImage(store, 'img:2');
    const whilePaused = { sets: sets(store), status: app(store).status };
    change(store, (d) => {
      delete d.spec.paused;
    });

    // Assess
    expect(paused.spec.template.spec.containers[0].image).toBe('img:2');
    expect(whilePaused.sets).toEqual([{ image: 'img:1', revision: '1', history: undefined, replicas: 2 }]);
    expect(whilePaused.status).toMatchObject({ observedGeneration: paused.metadata.generation, replicas: 2 });
    expect(whilePaused.status.updatedReplicas).toBeUndefined();
    expect(whilePaused.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }),
    );
    expect(sets(store).map((s) => [s.image, s.revision, s.replicas])).toEqual([
      ['img:1', '1', 0],
      ['img:2', '2', 2],
    ]);
    expect(app(store).status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }),
    );
    const images = store.list('pods', 'ns').map((p) => p.spec.containers[0].image);
    expect(images).toEqual(['img:2', 'img:2']);
  });

  it('still scales the active ReplicaSet of a paused Deployment', () => {
    // Prepare
    const store = storeWithApp();
    change(store, (d) => {
      d.spec.paused = true;
    });

    // Act
    change(store, (d) => {
      d.spec.replicas = 4;
    });

    // Assess
    expect(sets(store).map((s) => s.replicas)).toEqual([4]);
    expect(store.list('pods', 'ns')).toHaveLength(4);
    expect(app(store).status).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 4 });
  });

  it('creates no ReplicaSet for a Deployment created paused', () => {
    // Act
    const store = storeWithApp({ paused: true });

    // Assess
    expect(store.list('replicasets', 'ns')).toEqual([]);
    expect(app(store).status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 2 });
  });
});
