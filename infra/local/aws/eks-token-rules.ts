// The format checks aws-iam-authenticator applies to an EKS bearer token before it asks STS anything
// (reference/contracts.md §3.1 "Verifier rules"): the token must wrap a presigned STS GetCallerIdentity URL
// and nothing else.
import { parseAmzDate } from './sigv4-canonical.js';

/** Every EKS token starts with this (the authenticator's v1 token format). */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The authenticator refuses larger tokens outright (maxTokenLenBytes). */
export const MAX_TOKEN_BYTES = 4096;
/** Header carrying the cluster name; signed, so a token only works for the cluster it was made for. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** Largest X-Amz-Expires accepted (15 minutes), although STS ignores the value. */
export const MAX_X_AMZ_EXPIRES = 900;
/** A token is good for 15 minutes after its X-Amz-Date, as STS honours the presigned URL that long. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;
/** The region that signs for the global STS host. */
export const GLOBAL_STS_SIGNING_REGION = 'us-east-1';

// The only query parameters a presigned GetCallerIdentity needs; anything else could smuggle another request.
const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** Why a token was refused. `sts-refused` means the format was fine and STS refused the signature. */
export type EksTokenRefusalReason =
  | 'too-long'
  | 'bad-prefix'
  | 'bad-base64'
  | 'bad-url'
  | 'bad-scheme'
  | 'bad-host'
  | 'bad-path'
  | 'malformed-query'
  | 'unknown-param'
  | 'duplicate-param'
  | 'bad-action'
  | 'cluster-id-not-signed'
  | 'bad-expires'
  | 'missing-date'
  | 'bad-date'
  | 'expired'
  | 'sts-refused';

/** A refused token, with a message like the authenticator's log line. */
export interface EksTokenRefusal {
  ok: false;
  reason: EksTokenRefusalReason;
  message: string;
  /** For `sts-refused`: what STS answered (e.g. SignatureDoesNotMatch for a token made for another cluster). */
  sts?: { reason: string; code: string; message: string };
}

/** A well-formed token: the presigned request to replay against STS. */
export interface PresignedCallerIdentity {
  ok: true;
  /** Host of the presigned URL, as signed. */
  host: string;
  /** Region the host's STS signs for. */
  signingRegion: string;
  /** `/?<query>` exactly as presigned. */
  pathAndQuery: string;
  /** Lower-cased parameter names → values. */
  params: ReadonlyMap<string, string>;
}

/** The STS hosts of a region (regional, FIPS, dual-stack, plus the global one in the aws partition). */
export function stsHostsFor(region: string): Map<string, string> {
  const china = region.startsWith('cn-');
  const suffix = china ? 'amazonaws.com.cn' : 'amazonaws.com';
  const dualStackSuffix = china ? 'api.amazonwebservices.com.cn' : 'api.aws';
  const hosts = new Map<string, string>();
  for (const name of ['sts', 'sts-fips']) {
    hosts.set(`${name}.${region}.${suffix}`, region);
    hosts.set(`${name}.${region}.${dualStackSuffix}`, region);
  }
  // Only the aws partition has a global STS endpoint (it signs as us-east-1).
  if (!china && !region.startsWith('us-gov-') && !region.startsWith('us-iso')) {
    hosts.set('sts.amazonaws.com', GLOBAL_STS_SIGNING_REGION);
  }
  return hosts;
}

/** Applies the format rules, in the authenticator's order; `now` judges X-Amz-Date. */
export function parseEksToken(
  token: string,
  region: string,
  now: Date,
): PresignedCallerIdentity | EksTokenRefusal {
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) return refuse('too-long', 'token is too large');
  if (!token.startsWith(EKS_TOKEN_PREFIX)) {
    return refuse('bad-prefix', `token is missing expected "${EKS_TOKEN_PREFIX}" prefix`);
  }
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  // Raw (unpadded) URL-safe base64: "=" and the standard alphabet's "+" "/" are errors, and a length of 4n+1
  // cannot come from any byte string. Buffer.from would silently skip such characters, so check first.
  const badAt = encoded.search(/[^A-Za-z0-9_-]/);
  if (badAt >= 0) return refuse('bad-base64', `illegal base64 data at input byte ${badAt}`);
  if (encoded.length % 4 === 1)
    return refuse('bad-base64', `illegal base64 data at input byte ${encoded.length - 1}`);
  const url = Buffer.from(encoded, 'base64url').toString('utf8');

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return refuse('bad-url', 'pre-signed URL is not an absolute URL');
  if (scheme.toLowerCase() !== 'https') {
    return refuse('bad-scheme', `unexpected scheme "${scheme.toLowerCase()}" in pre-signed URL`);
  }
  const parts = /^[^:]+:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(url);
  if (!parts) return refuse('bad-url', 'pre-signed URL has no host');
  const [, host = '', path = '', rawQuery = ''] = parts;
  const signingRegion = stsHostsFor(region).get(host);
  if (signingRegion === undefined)
    return refuse('bad-host', `unexpected hostname "${host}" in pre-signed URL`);
  if (path !== '/') return refuse('bad-path', 'unexpected path in pre-signed URL');

  const params = new Map<string, string>();
  for (const item of rawQuery.split('&')) {
    if (item === '') continue;
    if (item.includes(';')) return refuse('malformed-query', 'malformed query parameter');
    const eq = item.indexOf('=');
    let name: string;
    let value: string;
    try {
      // Form decoding, as Go's url.ParseQuery does: "+" is a space.
      const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
      name = decode(eq < 0 ? item : item.slice(0, eq));
      value = eq < 0 ? '' : decode(item.slice(eq + 1));
    } catch {
      return refuse('malformed-query', 'malformed query parameter');
    }
    const lower = name.toLowerCase();
    if (!ALLOWED_PARAMETERS.has(lower))
      return refuse('unknown-param', `non-whitelisted query parameter "${name}"`);
    if (params.has(lower)) return refuse('duplicate-param', `duplicate query parameter found: "${name}"`);
    params.set(lower, value);
  }
  if (params.get('action') !== 'GetCallerIdentity') {
    return refuse('bad-action', 'unexpected action parameter in pre-signed URL');
  }
  const signedHeaders = (params.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signedHeaders.includes(CLUSTER_ID_HEADER)) {
    return refuse(
      'cluster-id-not-signed',
      `client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`,
    );
  }
  const expiresText = params.get('x-amz-expires') ?? '';
  const expires = Number(expiresText);
  if (!/^[+-]?\d+$/.test(expiresText) || expires < 0 || expires > MAX_X_AMZ_EXPIRES) {
    return refuse(
      'bad-expires',
      `invalid X-Amz-Expires parameter in pre-signed URL: ${expiresText || '(none)'}`,
    );
  }
  const date = params.get('x-amz-date') ?? '';
  if (date === '') return refuse('missing-date', 'X-Amz-Date parameter must be present in pre-signed URL');
  const signedAt = parseAmzDate(date);
  if (signedAt === undefined) return refuse('bad-date', `error parsing X-Amz-Date parameter ${date}`);
  if (now.getTime() > signedAt.getTime() + TOKEN_LIFETIME_MS) {
    return refuse(
      'expired',
      `X-Amz-Date parameter is expired (15 minute expiration) ${signedAt.toISOString()}`,
    );
  }
  return { ok: true, host, signingRegion, pathAndQuery: `/?${rawQuery}`, params };
}

/** A refusal. */
export function refuse(reason: EksTokenRefusalReason, message: string): EksTokenRefusal {
  return { ok: false, reason, message };
}
