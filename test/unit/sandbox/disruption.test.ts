import { describe, expect, it } from 'vitest';
import {
  DELETION_TIMEOUT_MS,
  syncDisruptionBudget,
} from '../../../infra/local/sandbox/controllers/disruption.js';
import { attachControllers } from '../../../infra/local/sandbox/controllers/index.js';
import type { ApiError } from '../../../infra/local/sandbox/errors.js';
import { seed } from '../../../infra/local/sandbox/seed.js';
import { SandboxStore } from '../../../infra/local/sandbox/store.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { timestamp } from '../../../infra/local/sandbox/util.js';

function seeded(): SandboxStore {
  const store = new SandboxStore();
  attachControllers(store);
  seed(store);
  return store;
}

const budget = (store: SandboxStore, namespace: string, name: string) =>
  (store.get('poddisruptionbudgets', namespace, name) as K8sObject).status;

function addBudget(store: SandboxStore, namespace: string, name: string, spec: Record<string, unknown>) {
  return store.create('poddisruptionbudgets', { metadata: { name, namespace }, spec });
}

/** A pod the kubelet leaves Pending and unready (it already has a waiting container status). */
const unreadyPod = (name: string, labels: Record<string, string>): K8sObject => ({
  metadata: { name, namespace: 'demo', labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase: 'Pending',
    containerStatuses: [{ name: 'c', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }],
  },
});

describe('sandbox disruption controller', () => {
  it('computes web-pdb (minAvailable 2 over 3 ready pods) with a SufficientPods condition', () => {
    // Act
    const store = seeded();

    // Assess
    expect(budget(store, 'demo', 'web-pdb')).toEqual({
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      observedGeneration: 1,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          observedGeneration: 1,
          lastTransitionTime: expect.any(String),
        },
      ],
    });
  });

  it('resolves percentages against the controllers scale, rounding up', () => {
    // Prepare
    const store = seeded();

    // Act
    addBudget(store, 'data', 'db-min', { minAvailable: '50%', selector: { matchLabels: { app: 'db' } } });
    addBudget(store, 'demo', 'web-max', { maxUnavailable: '34%', selector: { matchLabels: { app: 'web' } } });

    // Assess
    expect(budget(store, 'data', 'db-min')).toMatchObject({
      expectedPods: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
    });
    // ceil(3 × 34%) = 2 may be unavailable, so 1 must stay healthy.
    expect(budget(store, 'demo', 'web-max')).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 1,
      disruptionsAllowed: 2,
    });
  });

  it('counts matching unready pods as expected (int minAvailable) but not as healthy', () => {
    // Prepare
    const store = seeded();

    // Act
    store.create('pods', unreadyPod('stuck', { app: 'web' }));
    store.update('poddisruptionbudgets', {
      ...(store.get('poddisruptionbudgets', 'demo', 'web-pdb') as K8sObject),
      spec: { minAvailable: 3, selector: { matchLabels: { app: 'web' } } },
    });

    // Assess
    expect(budget(store, 'demo', 'web-pdb')).toMatchObject({
      expectedPods: 4,
      currentHealthy: 3,
      desiredHealthy: 3,
      disruptionsAllowed: 0,
      observedGeneration: 2,
      conditions: [expect.objectContaining({ status: 'False', reason: 'InsufficientPods' })],
    });
  });

  it('keeps a disrupted pod out of currentHealthy until the entry times out', () => {
    // Prepare
    const store = seeded();
    const pdb = store.get('poddisruptionbudgets', 'demo', 'web-pdb') as K8sObject;
    const pod = store.list('pods', 'demo')[0] as K8sObject;
    const now = Date.now();
    store.update('poddisruptionbudgets', {
      ...pdb,
      status: { ...pdb.status, disruptedPods: { [pod.metadata.name as string]: timestamp(now) } },
    });
    const held = budget(store, 'demo', 'web-pdb');

    // Act
    syncDisruptionBudget(
      store,
      store.get('poddisruptionbudgets', 'demo', 'web-pdb') as K8sObject,
      now + DELETION_TIMEOUT_MS + 1000,
    );

    // Assess
    expect(held).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
    expect(Object.keys(held.disruptedPods)).toEqual([pod.metadata.name]);
    const released = budget(store, 'demo', 'web-pdb');
    expect(released).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1 });
    expect(released.disruptedPods).toBeUndefined();
  });

  it('fails safe for pods whose controller has no scale (a DaemonSet with maxUnavailable)', () => {
    // Prepare
    const store = seeded();

    // Act
    addBudget(store, 'data', 'agent', { maxUnavailable: 1, selector: { matchLabels: { app: 'agent' } } });

    // Assess
    const status = budget(store, 'data', 'agent');
    expect(status).toMatchObject({
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
    });
    expect(status.observedGeneration).toBeUndefined();
    expect(status.conditions).toEqual([
      expect.objectContaining({
        status: 'False',
        reason: 'SyncFailed',
        message: expect.stringMatching(/^found no controllers for pod "agent-/),
      }),
    ]);
  });

  it('validates minAvailable / maxUnavailable like the apiserver (422)', () => {
    // Prepare
    const store = seeded();
    const selector = { matchLabels: { app: 'web' } };
    const messageOf = (spec: Record<string, unknown>) => {
      try {
        addBudget(store, 'demo', 'bad', { ...spec, selector });
        return '';
      } catch (e) {
        return `${(e as ApiError).code} ${(e as ApiError).message}`;
      }
    };

    // Act / Assess
    expect(messageOf({ minAvailable: 1, maxUnavailable: 1 })).toMatch(
      /^422 .*minAvailable and maxUnavailable cannot be both set/,
    );
    expect(messageOf({ maxUnavailable: '150%' })).toMatch(
      /^422 .*spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%/,
    );
    expect(messageOf({ minAvailable: 'two' })).toMatch(
      /^422 .*a valid percent string must be a numeric string/,
    );
    expect(messageOf({ minAvailable: -1 })).toMatch(/^422 .*must be greater than or equal to 0/);
  });
});
