// The Deployment controller: one ReplicaSet per pod template, revisions, an instant rollout, status.
import type { SandboxStore } from '../store.js';
import type { K8sObject } from '../types.js';
import { canonicalJson, fnv32a, jsonEqual, pruneEmpty, safeEncode } from '../util.js';
import { deploymentStatus } from './deployment-status.js';
import { controllerRef, intOrPercent, POD_TEMPLATE_HASH, REVISION_ANNOTATION, revisionOf } from './util.js';

const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

// Deployment annotations that are not copied to its ReplicaSets (deployment_util.go annotationsToSkip).
const SKIP_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
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

/** Reuses or creates the ReplicaSet of the current template, gives it the next revision, scales the rest to 0. */
function rollOut(store: SandboxStore, d: K8sObject, owned: () => K8sObject[], found?: K8sObject): K8sObject {
  const maxOld = Math.max(
    0,
    ...owned()
      .filter((rs) => rs.metadata.uid !== found?.metadata.uid)
      .map(revisionOf),
  );
  const newRs = found ?? createReplicaSet(store, d, maxOld + 1);
  // Reusing an old template (e.g. `rollout undo`) gives that ReplicaSet the next revision number and
  // records the numbers it had in revision-history (SetNewReplicaSetAnnotations).
  const previous = revisionOf(newRs);
  const revision = Math.max(previous, maxOld + 1);
  patchReplicaSet(store, newRs, (rs) => {
    const history = rs.metadata.annotations?.[REVISION_HISTORY_ANNOTATION];
    rs.metadata.annotations = {
      ...rs.metadata.annotations,
      ...replicaAnnotations(d, revision),
      ...(previous > 0 && previous < revision
        ? { [REVISION_HISTORY_ANNOTATION]: history ? `${history},${previous}` : String(previous) }
        : {}),
    };
    rs.spec.replicas = d.spec.replicas ?? 1;
  });
  for (const old of owned()) {
    if (old.metadata.uid !== newRs.metadata.uid) patchReplicaSet(store, old, (rs) => (rs.spec.replicas = 0));
  }
  return newRs;
}

/**
 * A paused Deployment still scales, but only the one active ReplicaSet (or, with none active, the
 * latest): it never creates a ReplicaSet nor shifts replicas between them (FindActiveOrLatest).
 */
function scalePaused(store: SandboxStore, d: K8sObject, all: K8sObject[], newRs?: K8sObject): void {
  const active = all.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
  const latest = newRs ?? [...all].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  const target = active.length === 1 ? active[0] : active.length === 0 ? latest : undefined;
  if (target) patchReplicaSet(store, target, (rs) => (rs.spec.replicas = d.spec?.replicas ?? 1));
}

/** Deletes the oldest idle ReplicaSets beyond spec.revisionHistoryLimit (cleanupDeployment). */
function cleanupHistory(store: SandboxStore, d: K8sObject, all: K8sObject[], newRs?: K8sObject): void {
  const limit: number = d.spec?.revisionHistoryLimit ?? 10;
  const idle = all
    .filter(
      (rs) => rs.metadata.uid !== newRs?.metadata.uid && rs.spec?.replicas === 0 && !rs.status?.replicas,
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    store.delete('replicasets', d.metadata.namespace, rs.metadata.name as string);
  }
}

/** Reconciles one Deployment: picks or creates its new ReplicaSet, scales old ones to 0, updates status. */
export function syncDeployment(store: SandboxStore, d: K8sObject): void {
  const namespace = d.metadata.namespace as string;
  const owned = () => store.peekControlled('replicasets', namespace, d.metadata.uid);
  let newRs = owned().find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
  // Paused: template changes are stored but wait for `rollout resume` to get a ReplicaSet.
  if (d.spec?.paused) scalePaused(store, d, owned(), newRs);
  else newRs = rollOut(store, d, owned, newRs);
  cleanupHistory(store, d, owned(), newRs);
  if (newRs) newRs = store.peek('replicasets', namespace, newRs.metadata.name as string);

  const current = store.peek('deployments', namespace, d.metadata.name as string);
  if (!current) return;
  const next = structuredClone(current);
  next.status = deploymentStatus(current, owned(), newRs);
  if (newRs)
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [REVISION_ANNOTATION]: String(revisionOf(newRs)),
    };
  if (!jsonEqual(next, current)) store.update('deployments', next);
}

/** Runs syncDeployment for every Deployment. */
export function deploymentController(store: SandboxStore): void {
  for (const d of store.peekList('deployments')) {
    if (!d.metadata.deletionTimestamp) syncDeployment(store, d);
  }
}
