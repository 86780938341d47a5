// The Deployment controller: one ReplicaSet per pod template, revisions, an instant rollout, status.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { canonicalJson, fnv32a, jsonEqual, pruneEmpty, safeEncode, timestamp } from '../util.js';
import {
  controllerRef,
  intOrPercent,
  isControlledBy,
  omitZero,
  POD_TEMPLATE_HASH,
  REVISION_ANNOTATION,
  revisionOf,
} from './util.js';

// Deployment annotations that are not copied to its ReplicaSets (deployment_util.go annotationsToSkip).
const SKIP_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

// biome-ignore lint/suspicious/noExplicitAny: templates are free-form JSON.
type Template = any;

/** The template without its pod-template-hash label, normalised the way the apiserver compares structs. */
function comparable(template: Template): unknown {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH];
  return pruneEmpty(t);
}

/** EqualIgnoreHash: two pod templates are the same apart from the pod-template-hash label. */
export function sameTemplate(a: Template, b: Template): boolean {
  return jsonEqual(comparable(a), comparable(b));
}

/** ComputeHash: FNV-32a of the template (and collision count), safe-encoded like the real controller. */
export function podTemplateHash(template: Template, collisionCount = 0): string {
  const input = canonicalJson(comparable(template)) + (collisionCount ? String(collisionCount) : '');
  return safeEncode(String(fnv32a(input)));
}

function replicaAnnotations(d: K8sObject, revision: number): Record<string, string> {
  const replicas: number = d.spec?.replicas ?? 1;
  const surge = intOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge ?? 0, replicas, true);
  const copied = Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !SKIP_ANNOTATIONS.has(k));
  return {
    ...Object.fromEntries(copied),
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + surge),
    [REVISION_ANNOTATION]: String(revision),
  };
}

function createReplicaSet(store: SandboxStore, d: K8sObject, revision: number): K8sObject {
  const namespace = d.metadata.namespace as string;
  let hash = podTemplateHash(d.spec.template);
  // A name clash with a different template is a hash collision: rehash with a counter, as the controller does.
  for (let c = 1; store.get('replicasets', namespace, `${d.metadata.name}-${hash}`); c++) {
    hash = podTemplateHash(d.spec.template, c);
  }
  const template = structuredClone(d.spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
  };
  return store.create('replicasets', {
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace,
      labels: { ...d.spec.template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
      annotations: replicaAnnotations(d, revision),
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas: d.spec.replicas ?? 1,
      ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      selector: {
        ...d.spec.selector,
        matchLabels: { ...d.spec.selector?.matchLabels, [POD_TEMPLATE_HASH]: hash },
      },
      template,
    },
  });
}

/** Writes `rs` only when `change` made a difference. */
function patchReplicaSet(store: SandboxStore, rs: K8sObject, change: (rs: K8sObject) => void): void {
  const next = structuredClone(rs);
  change(next);
  if (!jsonEqual(next, rs)) store.update('replicasets', next);
}

function conditions(
  d: K8sObject,
  newRs: K8sObject | undefined,
  available: number,
  complete: boolean,
): unknown[] {
  const replicas: number = d.spec?.replicas ?? 1;
  const maxUnavailable = intOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? 0, replicas, false);
  const minAvailable = available >= replicas - maxUnavailable;
  const wanted = [
    minAvailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    complete
      ? {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${newRs?.metadata.name}" has successfully progressed.`,
        }
      : {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${newRs?.metadata.name}" is progressing.`,
        },
  ];
  const now = timestamp();
  // Keep timestamps of unchanged conditions so a resync is a no-op (and does not bump resourceVersion).
  return wanted.map((c) => {
    const old = (d.status?.conditions ?? []).find((o: { type: string }) => o.type === c.type);
    const same = old && old.status === c.status && old.reason === c.reason && old.message === c.message;
    return same
      ? old
      : {
          ...c,
          lastUpdateTime: now,
          lastTransitionTime: old?.status === c.status ? old.lastTransitionTime : now,
        };
  });
}

/** Reconciles one Deployment: picks or creates its new ReplicaSet, scales old ones to 0, updates status. */
export function syncDeployment(store: SandboxStore, d: K8sObject): void {
  const namespace = d.metadata.namespace as string;
  const owned = () => store.list('replicasets', namespace).filter((rs) => isControlledBy(rs, d));
  let newRs = owned().find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
  if (!d.spec?.paused) {
    const maxOld = Math.max(
      0,
      ...owned()
        .filter((rs) => rs.metadata.uid !== newRs?.metadata.uid)
        .map(revisionOf),
    );
    if (!newRs) newRs = createReplicaSet(store, d, maxOld + 1);
    // Reusing an old template (e.g. `rollout undo`) gives that ReplicaSet the next revision number.
    const revision = Math.max(revisionOf(newRs), maxOld + 1);
    patchReplicaSet(store, newRs, (rs) => {
      rs.metadata.annotations = { ...rs.metadata.annotations, ...replicaAnnotations(d, revision) };
      rs.spec.replicas = d.spec.replicas ?? 1;
    });
    for (const old of owned()) {
      if (old.metadata.uid !== newRs.metadata.uid)
        patchReplicaSet(store, old, (rs) => (rs.spec.replicas = 0));
    }
    const limit: number = d.spec.revisionHistoryLimit ?? 10;
    const idle = owned()
      .filter(
        (rs) => rs.metadata.uid !== newRs?.metadata.uid && rs.spec.replicas === 0 && !rs.status?.replicas,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      store.delete('replicasets', namespace, rs.metadata.name as string);
    }
    newRs = store.get('replicasets', namespace, newRs.metadata.name as string);
  }
  const all = owned();
  const sum = (f: (rs: K8sObject) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const replicas = sum((rs) => rs.status?.replicas);
  const updated: number = newRs?.status?.replicas ?? 0;
  const available = sum((rs) => rs.status?.availableReplicas);
  const desired: number = d.spec?.replicas ?? 1;
  const complete = updated === desired && replicas === desired && available === desired;
  const status = omitZero({
    observedGeneration: d.metadata.generation ?? 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
    conditions: conditions(d, newRs, available, complete),
    ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
  });
  const current = store.get('deployments', namespace, d.metadata.name as string);
  if (!current) return;
  const next = structuredClone(current);
  next.status = status;
  if (newRs)
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [REVISION_ANNOTATION]: String(revisionOf(newRs)),
    };
  if (!jsonEqual(next, current)) store.update('deployments', next);
}

/** Runs syncDeployment for every Deployment. */
export function deploymentController(store: SandboxStore): void {
  for (const d of store.list('deployments')) {
    if (!d.metadata.deletionTimestamp) syncDeployment(store, d);
  }
}
