import { describe, expect, it } from 'vitest';
import { attachControllers } from '../../../infra/local/sandbox/controllers/index.js';
import { SANDBOX_NODES } from '../../../infra/local/sandbox/index.js';
import { seed } from '../../../infra/local/sandbox/seed.js';
import { SandboxStore } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';

function seeded(): SandboxStore {
  const store = new SandboxStore();
  attachControllers(store);
  seed(store);
  return store;
}

const agent = (store: SandboxStore) => store.get('daemonsets', 'data', 'agent') as K8sObject;

function change(store: SandboxStore, edit: (ds: K8sObject) => void): void {
  const ds = agent(store);
  edit(ds);
  store.update('daemonsets', ds);
}

const pods = (store: SandboxStore) =>
  store
    .list('pods', 'data')
    .filter((p) => p.metadata.name?.startsWith('agent-'))
    .map((p) => ({
      node: p.spec.nodeName as string,
      image: p.spec.containers[0].image as string,
      hash: p.metadata.labels?.['controller-revision-hash'],
      uid: p.metadata.uid,
    }))
    .sort((a, b) => a.node.localeCompare(b.node));

const revisions = (store: SandboxStore) =>
  store
    .list('controllerrevisions', 'data')
    .filter((cr) => cr.metadata.ownerReferences?.[0]?.kind === 'DaemonSet')
    .sort((a, b) => (a.revision as number) - (b.revision as number));

describe('sandbox DaemonSet controller', () => {
  it('seeds data/agent with one Running pod on each of the two sandbox nodes', () => {
    // Act
    const store = seeded();

    // Assess
    const [cr, ...more] = revisions(store);
    expect(more).toEqual([]);
    const hash = cr?.metadata.labels?.['controller-revision-hash'];
    expect(cr?.metadata.name).toBe(`agent-${hash}`);
    expect(SANDBOX_NODES.map((n) => n.name)).toEqual(['sandbox-node-a', 'sandbox-node-b']);
    expect(pods(store).map((p) => [p.node, p.image, p.hash])).toEqual([
      ['sandbox-node-a', 'fluent-bit:3.1', hash],
      ['sandbox-node-b', 'fluent-bit:3.1', hash],
    ]);
    const pod = store.list('pods', 'data').find((p) => p.metadata.name?.startsWith('agent-')) as K8sObject;
    expect(pod.metadata.labels?.['pod-template-generation']).toBe('1');
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', controller: true });
    expect(pod.status.phase).toBe('Running');
    expect(agent(store).status).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 2,
      observedGeneration: 1,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
  });

  it('replaces both pods on a template change, at revision 2, and reuses revision 1 renumbered to 3 on revert', () => {
    // Prepare
    const store = seeded();
    const before = pods(store);

    // Act
    change(store, (ds) => {
      ds.spec.template.spec.containers[0].image = 'fluent-bit:3.2';
    });
    const updated = pods(store);
    change(store, (ds) => {
      ds.spec.template.spec.containers[0].image = 'fluent-bit:3.1';
    });

    // Assess
    expect(updated.map((p) => p.image)).toEqual(['fluent-bit:3.2', 'fluent-bit:3.2']);
    expect(updated.map((p) => p.uid)).not.toContain(before[0]?.uid);
    expect(revisions(store).map((cr) => cr.revision)).toEqual([2, 3]);
    expect(revisions(store)[1]?.metadata.name).toBe(`agent-${before[0]?.hash}`);
    expect(pods(store).map((p) => [p.image, p.hash])).toEqual([
      ['fluent-bit:3.1', before[0]?.hash],
      ['fluent-bit:3.1', before[0]?.hash],
    ]);
    expect(agent(store).status).toMatchObject({ observedGeneration: 3, updatedNumberScheduled: 2 });
  });

  it('runs only on nodes matching the template nodeSelector', () => {
    // Prepare
    const store = seeded();

    // Act
    change(store, (ds) => {
      ds.spec.template.spec.nodeSelector = { 'kubernetes.io/hostname': 'sandbox-node-b' };
    });

    // Assess
    expect(pods(store).map((p) => p.node)).toEqual(['sandbox-node-b']);
    expect(agent(store).status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
  });

  it('with OnDelete, replaces a pod only once it is deleted', () => {
    // Prepare
    const store = seeded();
    change(store, (ds) => {
      ds.spec.updateStrategy = { type: 'OnDelete' };
      ds.spec.template.spec.containers[0].image = 'fluent-bit:3.2';
    });
    const victim = store.list('pods', 'data').find((p) => p.spec.nodeName === 'sandbox-node-a') as K8sObject;

    // Act
    store.delete('pods', 'data', victim.metadata.name as string);

    // Assess
    expect(pods(store).map((p) => [p.node, p.image])).toEqual([
      ['sandbox-node-a', 'fluent-bit:3.2'],
      ['sandbox-node-b', 'fluent-bit:3.1'],
    ]);
    expect(agent(store).status).toMatchObject({ updatedNumberScheduled: 1, desiredNumberScheduled: 2 });
  });
});
