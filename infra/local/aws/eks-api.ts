// The slice of the Amazon EKS API (REST-JSON) the local endpoint serves: DescribeCluster, and EKS's error
// documents (code in the `x-amzn-ErrorType` header, `{"message": …}` body).
import { createHash } from 'node:crypto';

/** EKS cluster states (DescribeCluster `cluster.status`). */
export type EksClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';

/** A cluster the local endpoint describes. */
export interface LocalCluster {
  name: string;
  /** https URL of the Kubernetes API server. */
  endpoint: string;
  /** base64 of the CA's PEM, exactly as EKS's `certificateAuthority.data`. */
  caData: string;
  /** Default ACTIVE. */
  status?: EksClusterStatus;
  /** Kubernetes minor version; default {@link DEFAULT_KUBERNETES_VERSION}. */
  version?: string;
}

/** A supported EKS Kubernetes version, for clusters that name none. */
export const DEFAULT_KUBERNETES_VERSION = '1.33';
/** A restJson1 response. */
export interface RestJsonResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Where cluster and account live, for ARNs and the OIDC issuer. */
export interface ClusterScope {
  region: string;
  accountId: string;
  createdAt: Date;
}

/** The route of an EKS call, or undefined for a path this endpoint does not serve. */
export function eksRoute(
  method: string,
  path: string,
): { action: 'DescribeCluster'; name: string } | undefined {
  const m = /^\/clusters\/([^/]+)$/.exec(path);
  if (method !== 'GET' || !m?.[1]) return undefined;
  try {
    return { action: 'DescribeCluster', name: decodeURIComponent(m[1]) };
  } catch {
    return undefined;
  }
}

/** DescribeCluster's `{cluster: …}` document, shaped like the real one (fields EKS leaves out stay out). */
export function describeClusterBody(cluster: LocalCluster, scope: ClusterScope): Record<string, unknown> {
  const { region, accountId } = scope;
  const status = cluster.status ?? 'ACTIVE';
  const id = (kind: string, length: number) =>
    createHash('sha256')
      .update(`${kind}:${accountId}:${region}:${cluster.name}`)
      .digest('hex')
      .slice(0, length);
  // A cluster being created has no API server yet: EKS returns no endpoint and an empty certificateAuthority.
  const serving = status !== 'CREATING';
  return {
    cluster: {
      name: cluster.name,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${cluster.name}`,
      // restJson1 timestamps are epoch seconds.
      createdAt: scope.createdAt.getTime() / 1000,
      version: cluster.version ?? DEFAULT_KUBERNETES_VERSION,
      ...(serving ? { endpoint: cluster.endpoint } : {}),
      roleArn: `arn:aws:iam::${accountId}:role/eks-cluster-role`,
      resourcesVpcConfig: {
        subnetIds: [`subnet-${id('subnet-a', 17)}`, `subnet-${id('subnet-b', 17)}`],
        securityGroupIds: [],
        clusterSecurityGroupId: `sg-${id('sg', 17)}`,
        vpcId: `vpc-${id('vpc', 17)}`,
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
      logging: {
        clusterLogging: [
          { types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false },
        ],
      },
      identity: {
        oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${id('oidc', 32).toUpperCase()}` },
      },
      status,
      certificateAuthority: serving ? { data: cluster.caData } : {},
      platformVersion: 'eks.1',
      tags: {},
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      upgradePolicy: { supportType: 'STANDARD' },
    },
  };
}

/** A JSON success response. */
export function eksOk(body: unknown, requestId: string): RestJsonResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

/** An EKS error: the code travels in `x-amzn-ErrorType`, the body carries `message` (and any extra fields). */
export function eksError(
  code: string,
  message: string,
  status: number,
  requestId: string,
  extra: Record<string, unknown> = {},
): RestJsonResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ ...extra, message }),
  };
}

// JSON services (REST-JSON like EKS, AWS JSON like SSM) name the authentication failures differently from
// query-protocol ones (STS, SNS).
const REST_JSON_AUTH_CODES: Record<string, string> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  RequestExpired: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  MalformedQueryString: 'MalformedQueryString',
};

/** A JSON service's error code for an authentication failure reported in query-protocol terms. */
export const jsonAuthErrorCode = (queryCode: string): string => REST_JSON_AUTH_CODES[queryCode] ?? queryCode;

/** The REST-JSON error for an authentication failure reported in query-protocol terms. */
export function eksAuthError(
  failure: { code: string; message: string; status: number },
  requestId: string,
): RestJsonResponse {
  return eksError(jsonAuthErrorCode(failure.code), failure.message, failure.status, requestId);
}
