import { ConfigError } from '#domain/errors.js';
import { presignGet, type SigningCredentials } from './presign.js';

/** aws-iam-authenticator and `aws eks get-token` put this before the encoded URL; EKS rejects anything else. */
export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** What both reference clients ask for; STS ignores it and honours the URL for 15 minutes from X-Amz-Date. */
export const URL_EXPIRES_SECONDS = 60;
/** STS presigns for 15 min; refresh a minute early (the 14 minutes both reference clients report). */
export const TOKEN_TTL_SECONDS = 14 * 60;
/** The header EKS checks against its cluster name; it must be signed so the token only works for that cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

// The STS query the token wraps. GetCallerIdentity needs no IAM permission, so any principal can prove itself.
const STS_QUERY: ReadonlyArray<readonly [string, string]> = [
  ['Action', 'GetCallerIdentity'],
  ['Version', '2011-06-15'],
];
// Region names are lower-case words and digits joined by dashes; anything else must not reach a host name.
const REGION_PATTERN = /^[a-z]{2}(-[a-z0-9]+)+$/;
// A DNS name only: the host goes into the signed URL verbatim.
const HOST_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
// Printable ASCII without spaces: EKS names and Outposts cluster ids fit, and no header folding can sneak in.
const CLUSTER_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

/** Input for one token: the time and credentials are passed in so the function stays pure and testable. */
export interface EksTokenInput {
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now: Date;
  /** Overrides the regional STS host (a VPC endpoint's private DNS, FIPS); the signing region stays `region`. */
  readonly stsHost?: string | undefined;
}

/** A bearer token for the Kubernetes API of an EKS cluster, and when to stop using it. */
export interface EksToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** The regional STS endpoint host, as current aws-cli and aws-iam-authenticator use (China has its own suffix). */
export function stsRegionalHost(region: string): string {
  assertRegion(region);
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/** Builds the `k8s-aws-v1.` token byte-identical to `aws eks get-token` for the same credentials, region and clock. */
export function createEksToken(input: EksTokenInput): EksToken {
  const { clusterName, region, credentials, now } = input;
  assertTokenTarget(clusterName, region);
  if (credentials.accessKeyId === '' || credentials.secretAccessKey === '') {
    throw new ConfigError('cannot sign an EKS token: the AWS credentials are empty');
  }
  if (input.stsHost !== undefined && !HOST_PATTERN.test(input.stsHost)) {
    throw new ConfigError(
      `invalid STS host ${JSON.stringify(input.stsHost)}: a host name, no scheme or path`,
    );
  }
  const url = presignGet({
    host: input.stsHost ?? stsRegionalHost(region),
    path: '/',
    query: STS_QUERY,
    headers: { [CLUSTER_ID_HEADER]: clusterName },
    service: 'sts',
    region,
    credentials,
    now,
    expiresSeconds: URL_EXPIRES_SECONDS,
  });
  // The validity starts at X-Amz-Date, which has whole seconds: count from there, not from `now`'s milliseconds.
  const signedAt = Math.floor(now.getTime() / 1000) * 1000;
  return {
    // Node's base64url has the URL-safe alphabet and no '=' padding, which is what the verifier decodes.
    token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(signedAt + TOKEN_TTL_SECONDS * 1000),
  };
}

/** Throws a ConfigError unless the cluster name and region can go into a token (callers check before signing). */
export function assertTokenTarget(clusterName: string, region: string): void {
  assertRegion(region);
  // EKS compares the header with the cluster's name: an ARN would sign a token that is always refused.
  if (clusterName.startsWith('arn:')) {
    throw new ConfigError(`EKS cluster ${clusterName} is an ARN: the token needs the cluster's name`);
  }
  if (!CLUSTER_ID_PATTERN.test(clusterName)) {
    throw new ConfigError(`invalid EKS cluster name ${JSON.stringify(clusterName)}`);
  }
}

function assertRegion(region: string): void {
  if (!REGION_PATTERN.test(region)) throw new ConfigError(`invalid AWS region ${JSON.stringify(region)}`);
}
