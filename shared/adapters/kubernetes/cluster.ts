import type { PodDisruptionBudget } from '#domain/actions/disruption/budget-check.js';
import type { LabelSelector } from '#domain/actions/rollback/objects.js';
import type {
  EvictionResult,
  GitOpsObject,
  GitOpsRef,
  WorkloadKind,
  WorkloadPatch,
} from '#domain/cluster/port.js';
import type { Cluster, PodInfo } from '#domain/ports.js';
import * as gitops from './gitops.js';
import type { KubeHttp } from './http.js';
import * as pods from './pods.js';
import * as workloads from './workloads.js';

/** The Cluster port over the Kubernetes REST API; each call is one request (see pods.ts, workloads.ts). */
export class KubernetesCluster implements Cluster {
  private readonly api: pods.Api;

  constructor(
    http: KubeHttp,
    /** Logical cluster name, for error messages an operator can act on. */
    name = 'cluster',
  ) {
    this.api = { http, cluster: name };
  }

  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined> {
    return pods.getPod(this.api, namespace, name, signal);
  }

  deletePod(namespace: string, name: string, uid: string, grace: number, signal?: AbortSignal) {
    return pods.deletePod(this.api, namespace, name, uid, grace, signal);
  }

  evictPod(
    namespace: string,
    name: string,
    uid: string,
    grace: number | undefined,
    signal?: AbortSignal,
  ): Promise<EvictionResult> {
    return pods.evictPod(this.api, namespace, name, uid, grace, signal);
  }

  listPodDisruptionBudgets(namespace: string, signal?: AbortSignal): Promise<PodDisruptionBudget[]> {
    return pods.listPodDisruptionBudgets(this.api, namespace, signal);
  }

  getReplicaSet(namespace: string, name: string, signal?: AbortSignal) {
    return workloads.getReplicaSet(this.api, namespace, name, signal);
  }

  listReplicaSets(namespace: string, selector: LabelSelector | undefined, signal?: AbortSignal) {
    return workloads.listReplicaSets(this.api, namespace, selector, signal);
  }

  getDeployment(namespace: string, name: string, signal?: AbortSignal) {
    return workloads.getDeployment(this.api, namespace, name, signal);
  }

  getRevisionedWorkload(
    kind: 'StatefulSet' | 'DaemonSet',
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ) {
    return workloads.getRevisionedWorkload(this.api, kind, namespace, name, signal);
  }

  listControllerRevisions(namespace: string, selector: LabelSelector | undefined, signal?: AbortSignal) {
    return workloads.listControllerRevisions(this.api, namespace, selector, signal);
  }

  patchWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    patch: WorkloadPatch,
    signal?: AbortSignal,
  ) {
    return workloads.patchWorkload(this.api, kind, namespace, name, patch, signal);
  }

  getGitOpsObject(ref: GitOpsRef, signal?: AbortSignal): Promise<GitOpsObject | undefined> {
    return gitops.getGitOpsObject(this.api, ref, signal);
  }

  patchGitOpsObject(ref: GitOpsRef, patch: unknown, signal?: AbortSignal) {
    return gitops.patchGitOpsObject(this.api, ref, patch, signal);
  }
}
