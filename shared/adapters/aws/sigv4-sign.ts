// SigV4 signing of an HTTP request in its Authorization header (Amazon Managed Service for Prometheus, service
// `aps`; the AWS JSON APIs, see aws-json.ts), built on the primitives of the EKS token's query presigning.
// Pure: time is an input.
import { createHmac } from 'node:crypto';
import {
  amzDate,
  canonicalHeaderValue,
  compare,
  SIGV4_ALGORITHM,
  type SigningCredentials,
  sha256Hex,
  signingKey,
  uriEncode,
} from '../eks/presign.js';

/** A request to sign: the headers given are signed too (with `host`, which must not be among them). */
export interface SignRequestInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly service: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now: Date;
}

/**
 * Returns the headers to add (`authorization`, `x-amz-date`, and `x-amz-security-token` for temporary
 * credentials), as the AWS SDKs' SigV4 signer computes them for any service but S3.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const { url, credentials, region, service } = input;
  const xAmzDate = amzDate(input.now);
  const date = xAmzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;

  const added: Record<string, string> = { 'x-amz-date': xAmzDate };
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '')
    added['x-amz-security-token'] = credentials.sessionToken;
  const headers = new Map<string, string>([['host', url.host]]);
  for (const [name, value] of Object.entries({ ...input.headers, ...added })) {
    const key = name.trim().toLowerCase();
    if (key === 'host' || key === 'authorization' || headers.has(key))
      throw new Error(`cannot sign header ${key}: given twice or set by the signer`);
    headers.set(key, canonicalHeaderValue(value));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join(''),
    signedHeaders,
    sha256Hex(input.body ?? ''),
  ].join('\n');
  const stringToSign = [SIGV4_ALGORITHM, xAmzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  return {
    ...added,
    authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** Every service but S3 signs the path as sent (already percent-encoded) encoded once more, segment by segment. */
function canonicalUri(wirePath: string): string {
  const segments: string[] = [];
  for (const segment of wirePath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && wirePath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}
