import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubernetesCluster } from '#adapters/kubernetes/cluster.js';
import type { KubeHttp, KubeResponse } from '#adapters/kubernetes/http.js';
import type { Cluster } from '#domain/ports.js';

const RBAC = new URL('../../../../infra/kubernetes/rbac.yml', import.meta.url);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** Every `group/resource:verb` the ClusterRole grants. */
const granted = (): string[] => {
  const [role] = parseAllDocuments(readFileSync(RBAC, 'utf8')).map((d) => d.toJS());
  return (role.rules as Rule[]).flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))),
  );
};

/** The RBAC permission one request needs, read from its method and path as the API server does. */
const permission = (method: string, path: string): string => {
  const url = new URL(path, 'https://k8s');
  const m =
    /^\/(?:api\/v1|apis\/([^/]+)\/v[0-9a-z]+)\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(
      url.pathname,
    );
  if (!m) throw new Error(`unexpected path ${path}`);
  const [, group = '', resource, name, sub] = m;
  const verb =
    method === 'GET'
      ? name === undefined
        ? 'list'
        : 'get'
      : method === 'POST'
        ? 'create'
        : method.toLowerCase();
  return `${group}/${resource}${sub ? `/${sub}` : ''}:${verb}`;
};

/** A client that answers every call with a plausible success and records what was asked. */
const recordingHttp = (calls: string[]) =>
  ({
    call: async (method: string, path: string): Promise<KubeResponse> => {
      calls.push(permission(method, path));
      if (method === 'POST') return { status: 201, body: {} };
      if (method === 'GET' && !/\/[^/]+\/[^/?]+\/[^/?]+$/.test(path.split('?')[0] ?? '')) {
        return { status: 200, body: { items: [] } };
      }
      return { status: 200, body: { metadata: { name: 'x', uid: 'u' }, spec: { template: {} } } };
    },
  }) as unknown as KubeHttp;

/** Calls every method of the Cluster port once. */
const exercise = async (cluster: Cluster) => {
  const selector = { matchLabels: { app: 'web' } };
  await cluster.getPod('demo', 'web-1');
  await cluster.deletePod('demo', 'web-1', 'u', 0);
  await cluster.evictPod('demo', 'web-1', 'u', undefined);
  await cluster.listPodDisruptionBudgets('demo');
  await cluster.getReplicaSet('demo', 'web-abc');
  await cluster.listReplicaSets('demo', selector);
  await cluster.getDeployment('demo', 'web');
  await cluster.getRevisionedWorkload('StatefulSet', 'data', 'db');
  await cluster.getRevisionedWorkload('DaemonSet', 'data', 'agent');
  await cluster.listControllerRevisions('data', selector);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    await cluster.patchWorkload(kind, 'demo', 'x', {
      contentType: 'application/strategic-merge-patch+json',
      body: {},
    });
  }
  for (const owner of [
    { group: 'argoproj.io', version: 'v1alpha1', resource: 'applications' },
    { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', resource: 'kustomizations' },
    { group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases' },
  ]) {
    const ref = { ...owner, namespace: 'gitops', name: 'shop' };
    await cluster.getGitOpsObject(ref);
    await cluster.patchGitOpsObject(ref, {});
  }
};

describe('infra/kubernetes/rbac.yml', () => {
  it('grants exactly the verbs the Kubernetes adapter uses, no more', async () => {
    // Prepare
    const calls: string[] = [];
    const cluster = new KubernetesCluster(recordingHttp(calls), 'test');

    // Act
    await exercise(cluster);

    // Assess
    expect([...new Set(calls)].sort()).toEqual([...new Set(granted())].sort());
  });
});
