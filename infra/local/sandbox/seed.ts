// The demo cluster: namespaces default, kube-system, kube-public and demo, and Deployment demo/web.
import type { SandboxStore } from './store.js';

/** Creates the demo objects; the controllers then add web's ReplicaSet and its 3 Running pods. */
export function seed(store: SandboxStore): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'demo']) {
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
}
