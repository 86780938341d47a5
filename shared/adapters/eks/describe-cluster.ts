import type { AwsCredentials } from './credentials.js';

/** What remedy needs from DescribeCluster to reach a cluster's API. */
export interface ClusterAccess {
  endpoint: string;
  /** base64 PEM, exactly as EKS returns it (the API server's CA). */
  caData: string;
  status: string;
  arn: string;
}

/** EKS DescribeCluster in the cluster's region with the given credentials. */
export const describeCluster = async (
  name: string,
  region: string,
  credentials: AwsCredentials,
  endpoint?: string,
): Promise<ClusterAccess> => {
  // Imported here, not at the top: esbuild hoists a static import of an external package to the top of the
  // bundle even when this module is itself loaded lazily, and the EKS client costs cold start on every path.
  const { DescribeClusterCommand, EKSClient } = await import('@aws-sdk/client-eks');
  const eks = new EKSClient({
    region,
    credentials: { ...credentials },
    maxAttempts: 2,
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
    return {
      endpoint: cluster?.endpoint ?? '',
      caData: cluster?.certificateAuthority?.data ?? '',
      status: cluster?.status ?? 'UNKNOWN',
      arn: cluster?.arn ?? name,
    };
  } finally {
    eks.destroy();
  }
};
