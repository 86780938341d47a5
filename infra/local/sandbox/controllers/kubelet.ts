// A stand-in for the scheduler and kubelet: every new pod starts at once and is Running and ready.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { timestamp } from '../util.js';

let nextIp = 10;

function podIp(): string {
  const n = nextIp++ % 65_000;
  return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
}

/** The status a healthy, freshly started pod reports. */
export function runningStatus(pod: K8sObject, now = timestamp()): Record<string, unknown> {
  const ip = podIp();
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: now,
  });
  const containers: Array<{ name: string; image: string }> = pod.spec?.containers ?? [];
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      condition,
    ),
    hostIP: '10.0.0.10',
    hostIPs: [{ ip: '10.0.0.10' }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${(pod.metadata.uid ?? '').replaceAll('-', '')}${c.name}`,
      started: true,
    })),
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
}

/**
 * Starts pods that are Pending with no container statuses yet. A test that needs a pod to stay
 * Pending creates it with a `containerStatuses` entry (e.g. waiting: ContainerCreating).
 */
export function kubelet(store: SandboxStore): void {
  for (const pod of store.peekList('pods')) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase !== 'Pending' || pod.status?.containerStatuses)
      continue;
    store.update('pods', { ...pod, status: runningStatus(pod) });
  }
}
