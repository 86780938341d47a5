// The controllers run after every write, in this order, until nothing changes.
// Add a controller by listing it here.
import type { SandboxStore } from '../store.js';
import { daemonSetController } from './daemonset.js';
import { deploymentController } from './deployment.js';
import { disruptionController } from './disruption.js';
import { garbageCollector } from './gc.js';
import { kubelet } from './kubelet.js';
import { replicaSetController } from './replicaset.js';
import { statefulSetController } from './statefulset.js';

export type Controller = (store: SandboxStore) => void;

export const CONTROLLERS: readonly Controller[] = [
  garbageCollector,
  // Before the workload controllers: an evicted pod's disruptedPods entry must be dropped while the pod
  // is gone, before a StatefulSet recreates a pod with the same name (see disruption.ts).
  disruptionController,
  deploymentController,
  replicaSetController,
  statefulSetController,
  daemonSetController,
  kubelet,
];

/** Makes the store run the controllers after each burst of writes. */
export function attachControllers(
  store: SandboxStore,
  controllers: readonly Controller[] = CONTROLLERS,
): void {
  store.addReconciler(() => {
    for (const controller of controllers) {
      try {
        controller(store);
      } catch (e) {
        // One broken controller must not stop the others (nor fail the write that triggered it).
        console.error(`sandbox: controller ${controller.name} failed:`, e);
      }
    }
  });
}
