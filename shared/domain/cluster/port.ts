import type { PodDisruptionBudget } from '../actions/disruption/budget-check.js';
import type {
  ControllerRevision,
  Deployment,
  JSON_PATCH,
  LabelSelector,
  ObjectMeta,
  ReplicaSet,
  RevisionedWorkload,
  STRATEGIC_MERGE_PATCH,
} from '../actions/rollback/objects.js';

/** What the Kubernetes API says about a pod before remedy touches it. */
export interface PodInfo {
  uid: string;
  phase?: string;
  ownerKind?: string;
  ownerName?: string;
  /** Whether its Ready condition is True: an unready pod costs a PodDisruptionBudget nothing. */
  ready: boolean;
  /** As the API returned it: labels (which budgets select it) and ownerReferences (which workload runs it). */
  metadata: ObjectMeta;
}

/** The outcome of a policy/v1 Eviction, as the API server answered it. */
export type EvictionResult =
  | { result: 'evicted' }
  | { result: 'gone' }
  /** The uid precondition failed: a new pod has taken the name. */
  | { result: 'replaced' }
  /** 429: a PodDisruptionBudget forbids it now; `causes` are the API's DisruptionBudget messages. */
  | { result: 'blocked'; message: string; causes: string[] }
  /** 500: more than one budget selects the pod, which the eviction API does not support. */
  | { result: 'multiple-budgets'; message: string };

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** An Argo CD Application or a Flux Kustomization/HelmRelease: where to find it in the API. */
export interface GitOpsRef {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
}

/** The parts of a GitOps object remedy reads. */
export interface GitOpsObject {
  metadata: ObjectMeta & { resourceVersion?: string };
  spec?: unknown;
}

/** A patch and its content type: kubectl's JSON patch for a Deployment undo, strategic merge otherwise. */
export interface WorkloadPatch {
  contentType: typeof JSON_PATCH | typeof STRATEGIC_MERGE_PATCH;
  body: unknown;
}

/** One cluster's API, limited to what remedy's actions need. Missing objects are undefined, never errors. */
export interface Cluster {
  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined>;
  /** Deletes the pod only if it is still the one with `uid`; returns 'deleted', 'gone' or 'replaced'. */
  deletePod(
    namespace: string,
    name: string,
    uid: string,
    gracePeriodSeconds: number,
    signal?: AbortSignal,
  ): Promise<'deleted' | 'gone' | 'replaced'>;
  /** Evicts the pod only if it is still the one with `uid`; without a grace period, the pod's own applies. */
  evictPod(
    namespace: string,
    name: string,
    uid: string,
    gracePeriodSeconds: number | undefined,
    signal?: AbortSignal,
  ): Promise<EvictionResult>;
  listPodDisruptionBudgets(namespace: string, signal?: AbortSignal): Promise<PodDisruptionBudget[]>;
  getReplicaSet(namespace: string, name: string, signal?: AbortSignal): Promise<ReplicaSet | undefined>;
  /** ReplicaSets matching the selector; a missing selector selects none, as in kubectl. */
  listReplicaSets(
    namespace: string,
    selector: LabelSelector | undefined,
    signal?: AbortSignal,
  ): Promise<ReplicaSet[]>;
  getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<Deployment | undefined>;
  getRevisionedWorkload(
    kind: 'StatefulSet' | 'DaemonSet',
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<RevisionedWorkload | undefined>;
  /** ControllerRevisions matching the selector; a missing selector selects none. */
  listControllerRevisions(
    namespace: string,
    selector: LabelSelector | undefined,
    signal?: AbortSignal,
  ): Promise<ControllerRevision[]>;
  /** Patches the workload; 'gone' when it no longer exists. */
  patchWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    patch: WorkloadPatch,
    signal?: AbortSignal,
  ): Promise<'patched' | 'gone'>;
  /** Reads an Argo CD Application or Flux object; undefined when it (or its API) does not exist. */
  getGitOpsObject(ref: GitOpsRef, signal?: AbortSignal): Promise<GitOpsObject | undefined>;
  /** JSON-merge-patches it; 'gone' when it no longer exists. */
  patchGitOpsObject(ref: GitOpsRef, patch: unknown, signal?: AbortSignal): Promise<'patched' | 'gone'>;
}
