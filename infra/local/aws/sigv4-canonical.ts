// AWS Signature Version 4 building blocks (canonical request, string to sign, signing key), written from the
// SigV4 specification: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import { createHash, createHmac } from 'node:crypto';

/** The only algorithm SigV4 defines. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** Payload hash a presigned URL may declare instead of hashing a body it cannot know. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Header values as Node hands them over (`IncomingMessage.headers`), names lower-case. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parts of an HTTP request that SigV4 covers. */
export interface CanonicalInput {
  method: string;
  /** Path as sent on the wire (percent-encoded once by the client), without the query. */
  path: string;
  /** Query parameters, already decoded; repeated names allowed. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: HeaderMap;
  signedHeaders: readonly string[];
  payloadHash: string;
}

/** Lower-case hex SHA-256 of a body. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Canonical URI for every service but S3: the path normalised (no empty, "." or ".." segments) and encoded
 * again, because the client signs the encoded form of the path it sends (its segments are "double-encoded").
 */
export function canonicalUri(wirePath: string): string {
  const segments: string[] = [];
  for (const segment of wirePath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && wirePath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

/** Canonical query string: each name and value encoded, sorted by name then value, joined with "&". */
export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** One header's canonical value: repeated values joined by ",", trimmed, inner runs of spaces collapsed. */
export function canonicalHeaderValue(value: string | readonly string[] | undefined): string {
  const joined = typeof value === 'string' ? value : (value ?? []).join(',');
  return joined.trim().replace(/\s+/g, ' ');
}

/** The canonical request, the document the signature is computed over. */
export function canonicalRequest(input: CanonicalInput): string {
  const headerLines = input.signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(input.headers[name])}\n`,
  );
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQuery(input.query),
    headerLines.join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `<yyyymmdd>/<region>/<service>/aws4_request` */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

/** The string to sign for an `x-amz-date` timestamp (yyyymmddThhmmssZ) and a scope. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** The signing key: HMAC chain over date, region, service and the terminator. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Hex signature of a string to sign. */
export function signatureHex(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** `x-amz-date` format of a time: 20261125T105613Z. */
export function toAmzDate(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `yyyymmddThhmmssZ`; undefined when it is not one. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const time = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** What {@link signRequest} needs to sign with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A request to sign with headers (the form SDKs use for API calls). */
export interface RequestToSign {
  method: string;
  path: string;
  query?: ReadonlyArray<readonly [string, string]>;
  /** Must include `host`. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * Signs a request in place of an SDK (local tools and tests): adds `x-amz-date`, `x-amz-security-token` when
 * the credentials have one, and `authorization`, signing every header given. Returns the new header set.
 */
export function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  scope: { region: string; service: string; now: Date },
): Record<string, string> {
  const amzDate = toAmzDate(scope.now);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['x-amz-date'] = amzDate;
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query ?? [],
    headers,
    signedHeaders,
    payloadHash: sha256Hex(request.body ?? ''),
  });
  const date = amzDate.slice(0, 8);
  const credScope = credentialScope(date, scope.region, scope.service);
  const key = signingKey(credentials.secretAccessKey, date, scope.region, scope.service);
  const signature = signatureHex(key, stringToSign(amzDate, credScope, canonical));
  headers.authorization = `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${credScope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

// Code-unit order, as the spec's "sort by name" means byte order of the encoded (ASCII) strings.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
