// Table columns and cells for `kubectl get`, following the apiserver's printers (pkg/printers/internalversion).
import { formatRequirements, selectorRequirements } from './selectors.js';
import type { K8sObject, Printer, TableColumn } from './types.js';

/** duration.HumanDuration: `45s`, `5m3s`, `15m`, `2h10m`, `3d4h`... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/** The AGE cell of an object. */
export function age(obj: K8sObject, now: number): string {
  const created = obj.metadata.creationTimestamp;
  return created ? humanDuration(now - Date.parse(created)) : '<unknown>';
}

/** One column definition. */
export const col = (
  name: string,
  type: TableColumn['type'],
  description: string,
  priority = 0,
  format?: string,
): TableColumn => ({
  name,
  type,
  ...(format ? { format } : {}),
  description,
  priority,
});

export const NAME = col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
export const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

/** Name and Age, for resources without a dedicated printer. */
export const defaultPrinter: Printer = {
  columns: [NAME, AGE],
  cells: (obj, now) => [obj.metadata.name, age(obj, now)],
};

interface ContainerState {
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function podStatusReason(pod: K8sObject): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const cs of (pod.status?.containerStatuses ?? []) as ContainerState[]) {
    const waiting = cs?.state?.waiting?.reason;
    const terminated = cs?.state?.terminated?.reason;
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated;
  }
  return pod.metadata.deletionTimestamp ? 'Terminating' : reason;
}

/** Pods: NAME READY STATUS RESTARTS AGE (+ IP, NODE... with -o wide). */
export const podPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'Name of the node this pod is assigned to.', 1),
    col('Nominated Node', 'string', 'Name of the node this pod is nominated to run on.', 1),
    col('Readiness Gates', 'string', 'The readiness gates of the pod.', 1),
  ],
  cells: (pod, now) => {
    const statuses: Array<{ ready?: boolean; restartCount?: number }> = pod.status?.containerStatuses ?? [];
    const total = (pod.spec?.containers ?? []).length;
    const ready = statuses.filter((s) => s.ready).length;
    const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
    return [
      pod.metadata.name,
      `${ready}/${total}`,
      podStatusReason(pod),
      String(restarts),
      age(pod, now),
      pod.status?.podIP ?? '<none>',
      pod.spec?.nodeName ?? '<none>',
      pod.status?.nominatedNodeName ?? '<none>',
      '<none>',
    ];
  },
};

/** The wide cells of a workload: container names, images and selector. */
export function containersAndImages(obj: K8sObject): [string, string, string] {
  const containers: Array<{ name?: string; image?: string }> = obj.spec?.template?.spec?.containers ?? [];
  return [
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image).join(','),
    formatRequirements(selectorRequirements(obj.spec?.selector)) || '<none>',
  ];
}

/** The `-o wide` columns of workloads (Containers, Images, Selector). */
export const WORKLOAD_WIDE = [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col(
    'Selector',
    'string',
    'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    1,
  ),
];

/** Deployments: NAME READY UP-TO-DATE AVAILABLE AGE. */
export const deploymentPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'integer',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'integer',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  cells: (d, now) => [
    d.metadata.name,
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0,
    age(d, now),
    ...containersAndImages(d),
  ],
};

/** ReplicaSets: NAME DESIRED CURRENT READY AGE. */
export const replicaSetPrinter: Printer = {
  columns: [
    NAME,
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  cells: (rs, now) => [
    rs.metadata.name,
    rs.spec?.replicas ?? 0,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    age(rs, now),
    ...containersAndImages(rs),
  ],
};

/** Namespaces: NAME STATUS AGE. */
export const namespacePrinter: Printer = {
  columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? 'Active', age(ns, now)],
};
