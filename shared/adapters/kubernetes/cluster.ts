import type { Cluster, PodInfo } from '#domain/ports.js';
import { type KubeHttp, statusError } from './http.js';

interface PodObject {
  metadata?: {
    uid?: string;
    ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
  };
  status?: { phase?: string };
}

const podPath = (namespace: string, name: string) =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;

/** The Cluster port over the Kubernetes REST API. */
export class KubernetesCluster implements Cluster {
  constructor(
    private readonly http: KubeHttp,
    /** Logical cluster name, for error messages an operator can act on. */
    private readonly name = 'cluster',
  ) {}

  async getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined> {
    const path = podPath(namespace, name);
    const res = await this.http.call('GET', path, { signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw statusError('GET', path, res, this.name);
    const pod = res.body as PodObject;
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    return {
      uid: pod.metadata?.uid ?? '',
      ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
      ...(owner?.kind ? { ownerKind: owner.kind } : {}),
      ...(owner?.name ? { ownerName: owner.name } : {}),
    };
  }

  async deletePod(
    namespace: string,
    name: string,
    uid: string,
    gracePeriodSeconds: number,
    signal?: AbortSignal,
  ): Promise<'deleted' | 'gone' | 'replaced'> {
    const path = podPath(namespace, name);
    // The uid precondition makes the API refuse (409) if a new pod took this name since we looked.
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds,
      propagationPolicy: 'Background',
      preconditions: { uid },
    };
    const res = await this.http.call('DELETE', path, { body, signal });
    if (res.status === 200 || res.status === 202) return 'deleted';
    if (res.status === 404) return 'gone';
    if (res.status === 409) return 'replaced';
    throw statusError('DELETE', path, res, this.name);
  }
}
