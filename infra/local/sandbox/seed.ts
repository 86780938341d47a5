// The demo cluster. Namespace demo: Deployment web (3 × nginx:1.27) and PodDisruptionBudget web-pdb
// (app=web, minAvailable 2). Namespace data: StatefulSet db (2 × postgres:16) and DaemonSet agent
// (fluent-bit:3.1, one pod on each sandbox node). db and agent live in their own namespace because
// remedy's tests count every pod of demo and expect web's 3.
import type { SandboxStore } from './store.js';

/** A minimal workload spec: selector and template labelled app=<app>, one container. */
function workload(app: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image }] } },
  };
}

/** Creates the demo objects; the controllers then add ReplicaSets, ControllerRevisions and Running pods. */
export function seed(store: SandboxStore): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'demo', 'data']) {
    store.create('namespaces', { metadata: { name } });
  }
  store.create('deployments', {
    metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  });
  store.create('poddisruptionbudgets', {
    metadata: { name: 'web-pdb', namespace: 'demo' },
    spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
  });
  store.create('statefulsets', {
    metadata: { name: 'db', namespace: 'data', labels: { app: 'db' } },
    spec: workload('db', 'postgres:16', { replicas: 2, serviceName: 'db' }),
  });
  store.create('daemonsets', {
    metadata: { name: 'agent', namespace: 'data', labels: { app: 'agent' } },
    spec: workload('agent', 'fluent-bit:3.1'),
  });
  seedGitOps(store);
}

/** The Argo CD Application `shop` in namespace argocd deploys `shop-argo`, tracked by annotation. */
export const GITOPS_SEED = {
  namespace: 'gitops',
  argo: { deployment: 'shop-argo', application: { namespace: 'argocd', name: 'shop' } },
  flux: { deployment: 'shop-flux', kustomization: { namespace: 'flux-system', name: 'apps' } },
  helm: { deployment: 'shop-helm', helmRelease: { namespace: 'gitops', name: 'shop-helm' } },
} as const;

/**
 * Namespace gitops: a Deployment each managed by an Argo CD Application (tracking annotation and instance
 * label), a Flux Kustomization and a Flux HelmRelease, with those objects, all syncing automatically.
 */
export function seedGitOps(store: SandboxStore): void {
  const { namespace, argo, flux, helm } = GITOPS_SEED;
  for (const name of [namespace, argo.application.namespace, flux.kustomization.namespace]) {
    if (!store.get('namespaces', undefined, name)) store.create('namespaces', { metadata: { name } });
  }
  const deployment = (name: string, labels: Record<string, string>, annotations: Record<string, string>) =>
    store.create('deployments', {
      metadata: { name, namespace, labels: { app: name, ...labels }, annotations },
      spec: workload(name, 'nginx:1.27', { replicas: 1 }),
    });
  deployment(
    argo.deployment,
    { 'app.kubernetes.io/instance': argo.application.name },
    {
      'argocd.argoproj.io/tracking-id': `${argo.application.name}:apps/Deployment:${namespace}/${argo.deployment}`,
    },
  );
  deployment(
    flux.deployment,
    {
      'kustomize.toolkit.fluxcd.io/name': flux.kustomization.name,
      'kustomize.toolkit.fluxcd.io/namespace': flux.kustomization.namespace,
    },
    {},
  );
  deployment(
    helm.deployment,
    {
      'helm.toolkit.fluxcd.io/name': helm.helmRelease.name,
      'helm.toolkit.fluxcd.io/namespace': helm.helmRelease.namespace,
    },
    {},
  );
  store.create('applications', {
    metadata: { ...argo.application },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/shop.git', path: 'deploy', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  });
  store.create('kustomizations', {
    metadata: { ...flux.kustomization },
    spec: {
      interval: '10m',
      path: './apps',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
  });
  store.create('helmreleases', {
    metadata: { ...helm.helmRelease },
    spec: {
      interval: '5m',
      chart: { spec: { chart: 'shop', sourceRef: { kind: 'HelmRepository', name: 'shop' } } },
    },
  });
}
