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
}
