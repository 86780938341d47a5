import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemedyHarness } from '../../support/remedy.js';
import { startRemedy } from '../../support/remedy.js';
import { fire, getObject, imageOf, podsOf, requestsTo, setImage } from '../../support/workloads.js';

const NS = 'data';

/** `kubectl rollout undo` for a StatefulSet or DaemonSet named by the alert (or found from its pod). */
const rollbackPolicy = (kind: 'StatefulSet' | 'DaemonSet', field: 'statefulset' | 'daemonset' | 'pod') => ({
  name: `rollback-${kind.toLowerCase()}-by-${field}`,
  match: { alertname: `${kind}ReleaseBad${field === 'pod' ? 'ByPod' : ''}` },
  target: {
    cluster: { value: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    [field]: { fromLabel: field },
  },
  action: { type: 'rollbackWorkload', kind },
});

/** The workload's ControllerRevisions, oldest revision first. */
const history = (h: RemedyHarness, resource: string, name: string) => {
  const uid = getObject(h, resource, NS, name).metadata.uid;
  return h.sandbox.store
    .list('controllerrevisions', NS)
    .filter((cr) => cr.metadata.ownerReferences?.[0]?.uid === uid)
    .sort((a, b) => Number(a.revision) - Number(b.revision));
};

describe('StatefulSet and DaemonSet rollback through ControllerRevisions (sandbox over TLS)', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    h = await startRemedy([
      rollbackPolicy('StatefulSet', 'statefulset'),
      rollbackPolicy('DaemonSet', 'daemonset'),
      rollbackPolicy('DaemonSet', 'pod'),
    ]);
  });
  afterAll(async () => h.close());

  it('rolls the StatefulSet back by patching revision 1’s data as a strategic merge', async () => {
    // Prepare: postgres:17 becomes revision 2 of data/db.
    setImage(h, 'statefulsets', NS, 'db', 'postgres:17');
    const revisionOne = history(h, 'statefulsets', 'db')[0];

    // Act
    const { summary, record } = await fire(h, {
      alertname: 'StatefulSetReleaseBad',
      namespace: NS,
      statefulset: 'db',
    });

    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(imageOf(getObject(h, 'statefulsets', NS, 'db'))).toBe('postgres:16');
    const [patch, ...more] = requestsTo(h, 'PATCH', `/apis/apps/v1/namespaces/${NS}/statefulsets/db`);
    expect(more).toEqual([]);
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch?.body).toEqual(revisionOne?.data);
    expect(requestsTo(h, 'GET', `/namespaces/${NS}/controllerrevisions?labelSelector=app%3Ddb`)).toHaveLength(
      1,
    );
    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'rollbackWorkload',
      reason:
        'rolled back statefulset data/db in cluster sandbox from revision 2 (postgres:17) to revision 1 (postgres:16)',
      details: {
        statefulset: 'db',
        fromRevision: 2,
        toRevision: 1,
        fromImages: 'postgres:17',
        toImages: 'postgres:16',
      },
    });
  });

  it('rolls the DaemonSet back the same way', async () => {
    // Prepare
    setImage(h, 'daemonsets', NS, 'agent', 'fluent-bit:3.2');

    // Act
    const { summary, record } = await fire(h, {
      alertname: 'DaemonSetReleaseBad',
      namespace: NS,
      daemonset: 'agent',
    });

    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(imageOf(getObject(h, 'daemonsets', NS, 'agent'))).toBe('fluent-bit:3.1');
    expect(record?.reason).toBe(
      'rolled back daemonset data/agent in cluster sandbox from revision 2 (fluent-bit:3.2) to revision 1 (fluent-bit:3.1)',
    );
    // The controller reuses revision 1's data under a new number, so the history keeps two entries.
    expect(history(h, 'daemonsets', 'agent').map((cr) => cr.revision)).toEqual([2, 3]);
  });

  it('finds the DaemonSet from a pod label and rolls it back again (to the revision just left)', async () => {
    // Prepare
    const pod = podsOf(h, NS, 'agent')[0]?.metadata.name as string;

    // Act
    const { summary, record } = await fire(h, { alertname: 'DaemonSetReleaseBadByPod', namespace: NS, pod });

    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(imageOf(getObject(h, 'daemonsets', NS, 'agent'))).toBe('fluent-bit:3.2');
    expect(record).toMatchObject({
      target: { kind: 'Pod', name: pod },
      details: { viaPod: pod, daemonset: 'agent', fromRevision: 3, toRevision: 2 },
    });
  });

  it('refuses a StatefulSet pod label for a DaemonSet action, naming the real owner', async () => {
    // Prepare
    const pod = podsOf(h, NS, 'db')[0]?.metadata.name as string;

    // Act
    const { summary, record } = await fire(h, { alertname: 'DaemonSetReleaseBadByPod', namespace: NS, pod });

    // Assess
    expect(summary).toMatchObject({ outcomes: { failed: 1 }, retryable: false });
    expect(record).toMatchObject({
      code: 'owner-not-found',
      reason: `cannot find the daemonset of pod data/${pod} in cluster sandbox: pod "${pod}" is controlled by StatefulSet "db", not by a DaemonSet`,
    });
    expect(requestsTo(h, 'PATCH', '/daemonsets/')).toHaveLength(2);
  });
});
