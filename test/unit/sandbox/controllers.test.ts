import { describe, expect, it } from 'vitest';
import { attachControllers } from '../../../infra/local/sandbox/controllers/index.js';
import type { ApiError } from '../../../infra/local/sandbox/errors.js';
import { seed } from '../../../infra/local/sandbox/seed.js';
import { SandboxStore } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';

const REVISION = 'deployment.kubernetes.io/revision';

function seeded(): SandboxStore {
  const store = new SandboxStore();
  attachControllers(store);
  seed(store);
  return store;
}

const withImage = (d: K8sObject, image: string): K8sObject => {
  const next = structuredClone(d);
  next.spec.template.spec.containers[0].image = image;
  return next;
};

describe('sandbox store and controllers', () => {
  it('seeds demo/web with one ReplicaSet (revision 1) and 3 Running pods it controls', () => {
    // Act
    const store = seeded();

    // Assess
    const deploy = store.get('deployments', 'demo', 'web') as K8sObject;
    const [rs, ...others] = store.list('replicasets', 'demo');
    const pods = store.list('pods', 'demo');
    expect(others).toHaveLength(0);
    expect(rs?.metadata.name).toBe(`web-${rs?.metadata.labels?.['pod-template-hash']}`);
    expect(rs?.metadata.annotations?.[REVISION]).toBe('1');
    expect(rs?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', uid: deploy.metadata.uid, controller: true }),
    ]);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^${rs?.metadata.name}-[a-z0-9]{5}$`));
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        uid: rs?.metadata.uid,
        controller: true,
      });
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.containerStatuses[0].ready).toBe(true);
    }
    expect(deploy.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(deploy.metadata.annotations?.[REVISION]).toBe('1');
  });

  it('replaces a deleted pod with a new name', () => {
    // Prepare
    const store = seeded();
    const victim = store.list('pods', 'demo')[0] as K8sObject;

    // Act
    store.delete('pods', 'demo', victim.metadata.name as string);

    // Assess
    const names = store.list('pods', 'demo').map((p) => p.metadata.name);
    expect(names).toHaveLength(3);
    expect(names).not.toContain(victim.metadata.name);
  });

  it('rolls out a new template (revision 2, old RS to 0) and reuses the old RS on revert (revision 3)', () => {
    // Prepare
    const store = seeded();
    const original = store.get('deployments', 'demo', 'web') as K8sObject;
    const firstRs = store.list('replicasets', 'demo')[0] as K8sObject;

    // Act
    store.update('deployments', withImage(original, 'nginx:1.28'));
    const afterUpdate = store.list('replicasets', 'demo');
    store.update(
      'deployments',
      withImage(store.get('deployments', 'demo', 'web') as K8sObject, 'nginx:1.27'),
    );

    // Assess
    const updated = afterUpdate.find((rs) => rs.metadata.uid !== firstRs.metadata.uid) as K8sObject;
    expect(updated.metadata.annotations?.[REVISION]).toBe('2');
    expect(afterUpdate.find((rs) => rs.metadata.uid === firstRs.metadata.uid)?.spec.replicas).toBe(0);
    const final = store.list('replicasets', 'demo');
    expect(final).toHaveLength(2);
    const reused = final.find((rs) => rs.metadata.uid === firstRs.metadata.uid) as K8sObject;
    expect(reused.metadata.annotations?.[REVISION]).toBe('3');
    expect(reused.spec.replicas).toBe(3);
    expect(final.find((rs) => rs.metadata.uid === updated.metadata.uid)?.spec.replicas).toBe(0);
    const deploy = store.get('deployments', 'demo', 'web') as K8sObject;
    expect(deploy.metadata.annotations?.[REVISION]).toBe('3');
    expect(deploy.metadata.generation).toBe(3);
    expect(deploy.status.observedGeneration).toBe(3);
    const images = store.list('pods', 'demo').map((p) => p.spec.containers[0].image);
    expect(images).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
  });

  it('bumps resourceVersion on every write but generation only on spec changes', () => {
    // Prepare
    const store = seeded();
    const before = store.get('deployments', 'demo', 'web') as K8sObject;

    // Act
    const relabelled = store.update('deployments', {
      ...before,
      metadata: { ...before.metadata, labels: { app: 'web', x: 'y' } },
    });
    const noop = store.update('deployments', relabelled);

    // Assess
    expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    expect(relabelled.metadata.generation).toBe(before.metadata.generation);
    expect(noop.metadata.resourceVersion).toBe(relabelled.metadata.resourceVersion);
  });

  it('cascades a Deployment deletion to its ReplicaSets and pods, and a namespace deletion to its content', () => {
    // Prepare
    const store = seeded();

    // Act
    store.delete('deployments', 'demo', 'web');
    const afterDeploy = [store.list('replicasets', 'demo').length, store.list('pods', 'demo').length];
    store.create('pods', {
      metadata: { name: 'lonely', namespace: 'demo' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    store.delete('namespaces', undefined, 'demo');

    // Assess
    expect(afterDeploy).toEqual([0, 0]);
    expect(store.list('pods', 'demo')).toHaveLength(0);
    expect(store.list('poddisruptionbudgets', 'demo')).toHaveLength(0);
    // The other seeded namespace (StatefulSet db, DaemonSet agent) is untouched.
    expect(store.list('pods', 'data')).toHaveLength(4);
  });

  it('rejects invalid objects (422), duplicates (409) and objects in a missing namespace (404)', () => {
    // Prepare
    const store = seeded();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 0;
      } catch (e) {
        return (e as ApiError).code;
      }
    };
    const deploy = store.get('deployments', 'demo', 'web') as K8sObject;

    // Act / Assess
    expect(
      codeOf(() => store.update('deployments', { ...deploy, spec: { ...deploy.spec, replicas: -1 } })),
    ).toBe(422);
    expect(
      codeOf(() =>
        store.update('deployments', {
          ...deploy,
          spec: { ...deploy.spec, selector: { matchLabels: { app: 'x' } } },
        }),
      ),
    ).toBe(422);
    expect(
      codeOf(() =>
        store.create('deployments', { metadata: { name: 'web', namespace: 'demo' }, spec: deploy.spec }),
      ),
    ).toBe(409);
    expect(
      codeOf(() =>
        store.create('pods', {
          metadata: { name: 'p', namespace: 'nope' },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        }),
      ),
    ).toBe(404);
    expect(
      codeOf(() =>
        store.create('pods', { metadata: { name: 'p', namespace: 'demo' }, spec: { containers: [] } }),
      ),
    ).toBe(422);
  });
});
