import { AwsClient } from '../aws/aws-json.js';
import type { AwsCredentials } from './credentials.js';

/** What remedy needs from DescribeCluster to reach a cluster's API. */
export interface ClusterAccess {
  endpoint: string;
  /** base64 PEM, exactly as EKS returns it (the API server's CA). */
  caData: string;
  status: string;
  arn: string;
}

/** The fields of DescribeCluster's `cluster` that remedy reads. */
interface EksCluster {
  arn?: string;
  endpoint?: string;
  status?: string;
  certificateAuthority?: { data?: string };
}

/**
 * EKS DescribeCluster (REST-JSON, `GET /clusters/{name}`) in the cluster's region with the given credentials.
 * Errors are AwsServiceErrors named by EKS's code (`ResourceNotFoundException`, `AccessDeniedException`…).
 * The credentials differ per cluster (cross-account roles) and the answer is cached per warm container by
 * EksClusters, so a client lives for one call: a kept-alive connection would rarely be reused.
 */
export const describeCluster = async (
  name: string,
  region: string,
  credentials: AwsCredentials,
  endpoint?: string,
): Promise<ClusterAccess> => {
  const eks = new AwsClient({
    service: 'eks',
    region,
    endpoint,
    credentials: async () => credentials,
    maxAttempts: 2,
  });
  try {
    const answer = await eks.request({
      operation: 'DescribeCluster',
      method: 'GET',
      path: `/clusters/${encodeURIComponent(name)}`,
    });
    const cluster = (answer.cluster ?? {}) as EksCluster;
    return {
      endpoint: cluster.endpoint ?? '',
      caData: cluster.certificateAuthority?.data ?? '',
      status: cluster.status ?? 'UNKNOWN',
      arn: cluster.arn ?? name,
    };
  } finally {
    eks.destroy();
  }
};
