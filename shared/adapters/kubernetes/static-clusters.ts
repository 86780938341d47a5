import { UnknownClusterError } from '#domain/errors.js';
import type { Cluster, Clusters } from '#domain/ports.js';
import { KubernetesCluster } from './cluster.js';
import { type Connection, KubeHttp } from './http.js';

/**
 * Clusters with fixed connections (a kubeconfig's server, CA and token), keyed by logical name. Used by the
 * local stack and by operators who run remedy against a non-EKS cluster; one client per cluster, reused while warm.
 */
export class StaticClusters implements Clusters {
  private readonly clusters = new Map<string, Cluster>();

  constructor(private readonly connections: Readonly<Record<string, Connection>>) {}

  async connect(target: { cluster: string }): Promise<Cluster> {
    const cached = this.clusters.get(target.cluster);
    if (cached) return cached;
    const connection = this.connections[target.cluster];
    if (!connection) throw new UnknownClusterError(target.cluster, Object.keys(this.connections));
    const cluster = new KubernetesCluster(new KubeHttp(connection), target.cluster);
    this.clusters.set(target.cluster, cluster);
    return cluster;
  }
}
