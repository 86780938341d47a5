// SigV4 (AWS Signature Version 4) query-string presigning of a GET, with node:crypto only. Pure: time is an input.
// The primitives (signing key, hashing, canonical values) are shared with header signing in
// shared/adapters/aws/sigv4-sign.ts.
import { createHash, createHmac } from 'node:crypto';

/** The only algorithm STS accepts for presigned URLs. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** The SHA-256 of an empty body: a presigned GET has no payload, and botocore hashes it rather than sending UNSIGNED-PAYLOAD. */
const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The signing identity: a long-term key pair, or temporary credentials with their session token. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** What to presign: `https://<host><path>?<query>` plus extra headers that become signed headers. */
export interface PresignGetInput {
  readonly host: string;
  /** Already in canonical form (for STS always `/`). */
  readonly path: string;
  /** Kept in this order in the URL (the AWS CLI writes Action before Version); sorted only for signing. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Headers the caller of the URL must send; `host` is always signed and must not be given here. */
  readonly headers: Readonly<Record<string, string>>;
  readonly service: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now: Date;
  readonly expiresSeconds: number;
}

/** RFC 3986 percent-encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay as they are, hex in upper case. */
export function uriEncode(value: string): string {
  // encodeURIComponent leaves !'()* alone; SigV4 (and botocore's quote(safe='-_.~')) encode them.
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `20261125T120000Z`: ISO 8601 basic format, whole seconds (milliseconds are dropped, as every SDK does). */
export function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4's derived key: the secret is never used directly, only scoped to date, region and service. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** Header values are trimmed and inner whitespace runs collapsed to one space before signing (botocore's rule). */
export const canonicalHeaderValue = (value: string) => value.trim().split(/\s+/).join(' ');

const encodePairs = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);

/** Returns the presigned URL, byte for byte what botocore's SigV4QueryAuth builds for the same input. */
export function presignGet(input: PresignGetInput): string {
  const { host, path, credentials, region, service } = input;
  const xAmzDate = amzDate(input.now);
  const date = xAmzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;

  const headers = new Map<string, string>([['host', host]]);
  for (const [name, value] of Object.entries(input.headers)) {
    const key = name.trim().toLowerCase();
    // A second `host` would make the signed request differ from what the client sends.
    if (key === 'host' || headers.has(key)) throw new Error(`duplicate signed header ${key}`);
    headers.set(key, canonicalHeaderValue(value));
  }
  const headerNames = [...headers.keys()].sort();
  const signedHeaders = headerNames.join(';');

  // botocore appends the auth parameters after the operation's own, in this order, the token last.
  const auth: Array<[string, string]> = [
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', xAmzDate],
    ['X-Amz-Expires', String(input.expiresSeconds)],
    ['X-Amz-SignedHeaders', signedHeaders],
  ];
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') {
    auth.push(['X-Amz-Security-Token', credentials.sessionToken]);
  }
  const pairs = encodePairs([...input.query, ...auth]);

  // Signing sorts by encoded name, then value; the URL keeps insertion order (the signature does not depend on it).
  const canonicalQuery = [...pairs]
    .sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = headerNames.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const canonicalRequest = [
    'GET',
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    EMPTY_PAYLOAD_SHA256,
  ].join('\n');
  const stringToSign = [SIGV4_ALGORITHM, xAmzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');

  const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return `https://${host}${path}?${query}&X-Amz-Signature=${signature}`;
}

/** Code-unit order, which is byte order for the ASCII that percent-encoding leaves. */
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
