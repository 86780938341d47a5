import { ClusterAccessError, UnknownClusterError } from '#domain/errors.js';
import type { Cluster, ClusterRegistry, Clusters } from '#domain/ports.js';
import { KubernetesCluster } from '../kubernetes/cluster.js';
import { KubeHttp } from '../kubernetes/http.js';
import type { AssumedRoleCache } from './assumed-role-cache.js';
import type { AwsCredentials } from './credentials.js';
import type { ClusterAccess } from './describe-cluster.js';

export interface EksClustersDeps {
  registry: ClusterRegistry;
  /** The function's own credentials (the Lambda role). */
  baseCredentials: () => Promise<AwsCredentials>;
  roles: AssumedRoleCache;
  describe: (name: string, region: string, credentials: AwsCredentials) => Promise<ClusterAccess>;
  /** A bearer token for the cluster (cached and refreshed by the token source). */
  token: (args: { clusterName: string; region: string; credentials: AwsCredentials }) => Promise<string>;
}

/** AWS error names that mean "not allowed" (no retry will fix it), as opposed to "try again". */
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
/** The registry names an EKS cluster that does not exist (in that region, for that account). */
const NOT_FOUND = 'ResourceNotFoundException';

/**
 * Clusters reached the way AWS's own tools reach EKS: registry entry → (AssumeRole) → DescribeCluster for the
 * endpoint and CA (cached per warm container) → a presigned-STS bearer token, refreshed before it expires.
 */
export class EksClusters implements Clusters {
  private readonly clusters = new Map<string, Promise<Cluster>>();

  constructor(private readonly deps: EksClustersDeps) {}

  connect(target: { cluster: string }): Promise<Cluster> {
    const cached = this.clusters.get(target.cluster);
    if (cached) return cached;
    const connecting = this.open(target.cluster);
    this.clusters.set(target.cluster, connecting);
    // Failures are not cached: the next alert (or Lambda's retry) tries DescribeCluster again.
    connecting.catch(() => this.clusters.delete(target.cluster));
    return connecting;
  }

  private async open(name: string): Promise<Cluster> {
    const entry = await this.deps.registry.get(name);
    if (!entry)
      throw new UnknownClusterError(
        name,
        (await this.deps.registry.list()).map((e) => e.name),
      );
    const credentials = async (): Promise<AwsCredentials> => {
      const base = await this.deps.baseCredentials();
      if (!entry.roleArn) return base;
      try {
        return await this.deps.roles.get(entry.roleArn, base);
      } catch (error) {
        throw this.accessError(error, `sts:AssumeRole on ${entry.roleArn} (cluster ${name})`);
      }
    };
    let access: ClusterAccess;
    try {
      access = await this.deps.describe(entry.eksClusterName, entry.region, await credentials());
    } catch (error) {
      if (error instanceof ClusterAccessError) throw error;
      throw this.accessError(
        error,
        `eks:DescribeCluster on ${entry.eksClusterName} in ${entry.region} (cluster ${name})`,
      );
    }
    if (access.status !== 'ACTIVE') {
      throw new ClusterAccessError(`cluster ${name} (${access.arn}) is ${access.status}, not ACTIVE`, {
        retryable: true,
      });
    }
    const http = new KubeHttp({
      server: entry.endpoint ?? access.endpoint,
      caData: access.caData,
      token: async () =>
        this.deps.token({
          clusterName: entry.eksClusterName,
          region: entry.region,
          credentials: await credentials(),
        }),
    });
    return new KubernetesCluster(http, name);
  }

  private accessError(error: unknown, what: string): ClusterAccessError {
    const name = (error as { name?: string }).name ?? '';
    const message = (error as Error).message;
    if (DENIED.has(name))
      return new ClusterAccessError(`not allowed: ${what}: ${message}`, { retryable: false, cause: error });
    if (name === NOT_FOUND) {
      return new ClusterAccessError(`${what}: no such cluster (check the clusters registry): ${message}`, {
        retryable: false,
        cause: error,
      });
    }
    return new ClusterAccessError(`${what} failed: ${message}`, { retryable: true, cause: error });
  }
}
