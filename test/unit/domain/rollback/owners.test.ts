import { describe, expect, it } from 'vitest';
import type { OwnerReference, Pod, ReplicaSet } from '#domain/actions/rollback/objects.js';
import { deploymentOfPod, workloadOfPod } from '#domain/actions/rollback/owners.js';

const ref = (
  kind: string,
  name: string,
  uid: string,
  extra: Partial<OwnerReference> = {},
): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind,
  name,
  uid,
  controller: true,
  ...extra,
});
const pod = (...ownerReferences: OwnerReference[]): Pod => ({
  metadata: { name: 'web-7d9c6b5f4-abcde', uid: 'pod-uid', ownerReferences },
});
const rs = (...ownerReferences: OwnerReference[]): ReplicaSet => ({
  metadata: { name: 'web-7d9c6b5f4', uid: 'rs-uid', ownerReferences },
  spec: { template: {} },
});
const toRs = ref('ReplicaSet', 'web-7d9c6b5f4', 'rs-uid');
const toDeployment = ref('Deployment', 'web', 'dep-uid');

describe('deploymentOfPod', () => {
  it('follows Pod → ReplicaSet → Deployment', () => {
    expect(deploymentOfPod(pod(toRs), [rs(toDeployment)])).toEqual({
      ok: true,
      deployment: 'web',
      replicaSet: 'web-7d9c6b5f4',
    });
  });

  it('accepts references without apiVersion', () => {
    const { apiVersion: _a, ...bareRs } = toRs;
    const { apiVersion: _b, ...bareDeployment } = toDeployment;
    expect(deploymentOfPod(pod(bareRs), [rs(bareDeployment)]).ok).toBe(true);
  });

  it.each<[string, Pod, ReplicaSet[], string]>([
    ['no owner at all', pod(), [], 'pod "web-7d9c6b5f4-abcde" has no controller'],
    [
      'an owner that is not the controller',
      pod({ ...toRs, controller: false }),
      [rs(toDeployment)],
      'pod "web-7d9c6b5f4-abcde" has no controller',
    ],
    [
      'a StatefulSet controller',
      pod(ref('StatefulSet', 'db', 'sts-uid')),
      [],
      'pod "web-7d9c6b5f4-abcde" is controlled by StatefulSet "db", not by a ReplicaSet',
    ],
    [
      'a ReplicaSet kind from another API group',
      pod(ref('ReplicaSet', 'x', 'rs-uid', { apiVersion: 'example.com/v1' })),
      [rs(toDeployment)],
      'pod "web-7d9c6b5f4-abcde" is controlled by ReplicaSet "x", not by a ReplicaSet',
    ],
    [
      'a ReplicaSet that is not listed',
      pod(toRs),
      [],
      'ReplicaSet "web-7d9c6b5f4", controller of pod "web-7d9c6b5f4-abcde", was not found',
    ],
    [
      'a ReplicaSet with the same name but another uid',
      pod(toRs),
      [{ ...rs(toDeployment), metadata: { ...rs(toDeployment).metadata, uid: 'recreated' } }],
      'ReplicaSet "web-7d9c6b5f4", controller of pod "web-7d9c6b5f4-abcde", was not found',
    ],
    [
      'a bare ReplicaSet',
      pod(toRs),
      [rs()],
      'ReplicaSet "web-7d9c6b5f4" has no controller, so no Deployment runs pod "web-7d9c6b5f4-abcde"',
    ],
    [
      'an Argo Rollout',
      pod(toRs),
      [rs(ref('Rollout', 'web', 'ro-uid', { apiVersion: 'argoproj.io/v1alpha1' }))],
      'ReplicaSet "web-7d9c6b5f4" is controlled by Rollout "web", not by a Deployment',
    ],
  ])('explains %s', (_case, p, replicaSets, reason) => {
    expect(deploymentOfPod(p, replicaSets)).toEqual({ ok: false, reason });
  });
});

describe('workloadOfPod', () => {
  const sts = ref('StatefulSet', 'db', 'sts-uid');

  it('takes the StatefulSet or DaemonSet that controls the pod directly', () => {
    expect(workloadOfPod(pod(sts), 'StatefulSet')).toEqual({ ok: true, name: 'db' });
    expect(workloadOfPod(pod(ref('DaemonSet', 'agent', 'ds-uid')), 'DaemonSet')).toEqual({
      ok: true,
      name: 'agent',
    });
  });

  it.each<[string, Pod, string]>([
    ['no controller', pod(), 'pod "web-7d9c6b5f4-abcde" has no controller'],
    [
      'another kind',
      pod(sts),
      'pod "web-7d9c6b5f4-abcde" is controlled by StatefulSet "db", not by a DaemonSet',
    ],
    [
      'the same kind in another API group',
      pod(ref('DaemonSet', 'agent', 'x', { apiVersion: 'example.com/v1' })),
      'pod "web-7d9c6b5f4-abcde" is controlled by DaemonSet "agent", not by a DaemonSet',
    ],
  ])('refuses a pod with %s', (_case, p, reason) => {
    expect(workloadOfPod(p, 'DaemonSet')).toEqual({ ok: false, reason });
  });
});
