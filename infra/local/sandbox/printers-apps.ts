// Table columns and cells for StatefulSets, DaemonSets, ControllerRevisions and PodDisruptionBudgets,
// following the apiserver's printers (pkg/printers/internalversion).
import { AGE, age, col, containersAndImages, NAME, WORKLOAD_WIDE } from './printers.js';
import type { K8sObject, Printer } from './types.js';

/** StatefulSets: NAME READY AGE (+ CONTAINERS IMAGES with -o wide). */
export const statefulSetPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    AGE,
    ...WORKLOAD_WIDE.slice(0, 2),
  ],
  cells: (sts, now) => [
    sts.metadata.name,
    `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
    age(sts, now),
    ...containersAndImages(sts).slice(0, 2),
  ],
};

const formatLabels = (labels: Record<string, string> | undefined): string =>
  Object.entries(labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '<none>';

/** DaemonSets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE. */
export const daemonSetPrinter: Printer = {
  columns: [
    NAME,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod.'),
    col(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
    ),
    col(
      'Node Selector',
      'string',
      'NodeSelector is a selector which must be true for the pod to fit on a node.',
    ),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  cells: (ds, now) => [
    ds.metadata.name,
    ds.status?.desiredNumberScheduled ?? 0,
    ds.status?.currentNumberScheduled ?? 0,
    ds.status?.numberReady ?? 0,
    ds.status?.updatedNumberScheduled ?? 0,
    ds.status?.numberAvailable ?? 0,
    formatLabels(ds.spec?.template?.spec?.nodeSelector),
    age(ds, now),
    ...containersAndImages(ds),
  ],
};

/** `statefulset.apps/db`: the controller column of a ControllerRevision. */
function controllerName(obj: K8sObject): string {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller);
  if (!ref) return '<none>';
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}

/** ControllerRevisions: NAME CONTROLLER REVISION AGE. */
export const controllerRevisionPrinter: Printer = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    AGE,
  ],
  cells: (cr, now) => [cr.metadata.name, controllerName(cr), cr.revision ?? 0, age(cr, now)],
};

/** PodDisruptionBudgets: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    NAME,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  cells: (pdb, now) => [
    pdb.metadata.name,
    String(pdb.spec?.minAvailable ?? 'N/A'),
    String(pdb.spec?.maxUnavailable ?? 'N/A'),
    pdb.status?.disruptionsAllowed ?? 0,
    age(pdb, now),
  ],
};
