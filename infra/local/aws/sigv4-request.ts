// Reads the SigV4 signature fields of a request, from its Authorization header or its presigned query.
import {
  EMPTY_SHA256,
  type HeaderMap,
  SIGV4_ALGORITHM,
  sha256Hex,
  toAmzDate,
  UNSIGNED_PAYLOAD,
} from './sigv4-canonical.js';

/** A presigned URL may be valid for at most 7 days (X-Amz-Expires ≤ 604800). */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

/** A request as an HTTP server received it. */
export interface SignedRequest {
  method: string;
  /** Path and query as on the request line (`IncomingMessage.url`). */
  url: string;
  headers: HeaderMap;
  body?: string | Uint8Array;
}

/** Why a request was refused, for tests and logs; `code`/`message`/`status` are what AWS would answer. */
export type SigV4FailureReason =
  | 'missing'
  | 'malformed'
  | 'unknown-key'
  | 'invalid-token'
  | 'wrong-region'
  | 'wrong-service'
  | 'scope-date-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'payload-hash-mismatch'
  | 'bad-signature';

/** A refused request. */
export interface SigV4Failure {
  ok: false;
  reason: SigV4FailureReason;
  code: string;
  message: string;
  status: 400 | 403;
}

/** The signature fields of a request, wherever they came from (header or query). */
export interface SignatureParts {
  presigned: boolean;
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  securityToken: string | undefined;
  expiresSeconds: number | undefined;
  query: Array<[string, string]>;
  payloadHashes: string[];
}

/** The signature fields of a request, or why they cannot be read. */
export function extractParts(request: SignedRequest): SignatureParts | SigV4Failure {
  const query = parseQuery(request.url);
  if (!query) return fail('malformed', 'MalformedQueryString', 'The query string contains a syntax error.');
  const authorization = header(request.headers, 'authorization');
  if (authorization !== undefined) return fromAuthorizationHeader(authorization, request, query);
  if (query.some(([name]) => name === 'X-Amz-Algorithm')) return fromQuery(query, request);
  return fail('missing', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
}

function fromAuthorizationHeader(
  authorization: string,
  request: SignedRequest,
  query: Array<[string, string]>,
): SignatureParts | SigV4Failure {
  const [algorithm, ...rest] = authorization.trim().split(/\s+/);
  if (algorithm !== SIGV4_ALGORITHM) {
    return fail('malformed', 'IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm ?? ''}'.`);
  }
  const fields = new Map<string, string>();
  for (const item of rest.join(' ').split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    const text = missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ');
    return fail('malformed', 'IncompleteSignature', text);
  }
  const amzDate =
    header(request.headers, 'x-amz-date') ?? dateHeaderAsAmzDate(header(request.headers, 'date'));
  if (amzDate === undefined) {
    return fail(
      'malformed',
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host')) {
    return fail(
      'malformed',
      'IncompleteSignature',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  // x-amz-content-sha256 (sent by some clients) is what they signed; it must describe the body it came with.
  const bodyHash = sha256Hex(request.body ?? '');
  const declared = header(request.headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== UNSIGNED_PAYLOAD && declared !== bodyHash) {
    return fail(
      'payload-hash-mismatch',
      'SignatureDoesNotMatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  return {
    presigned: false,
    credential: fields.get('Credential') ?? '',
    signedHeaders,
    signature: fields.get('Signature') ?? '',
    amzDate,
    securityToken: header(request.headers, 'x-amz-security-token'),
    expiresSeconds: undefined,
    query,
    payloadHashes: [declared ?? bodyHash],
  };
}

function fromQuery(query: Array<[string, string]>, request: SignedRequest): SignatureParts | SigV4Failure {
  const get = (name: string) => query.find(([n]) => n === name)?.[1];
  const required = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ];
  const missing = required.filter((name) => !get(name));
  if (missing.length > 0) {
    return fail(
      'malformed',
      'IncompleteSignature',
      `AWS query-string parameters must include ${missing.map((n) => `'${n}'`).join(', ')}.`,
    );
  }
  if (get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return fail(
      'malformed',
      'IncompleteSignature',
      `Unsupported AWS 'algorithm': '${get('X-Amz-Algorithm')}'.`,
    );
  }
  const expiresText = get('X-Amz-Expires');
  const expiresSeconds = expiresText === undefined ? undefined : Number(expiresText);
  if (
    expiresSeconds !== undefined &&
    (!/^\d+$/.test(expiresText ?? '') || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_EXPIRES_SECONDS)
  ) {
    return fail(
      'malformed',
      'IncompleteSignature',
      `X-Amz-Expires must be 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} seconds.`,
    );
  }
  const signedHeaders = (get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host')) {
    return fail(
      'malformed',
      'IncompleteSignature',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  // Signers disagree on a presigned URL's payload hash: botocore and the JS SDK hash the (empty) body,
  // S3-style signers declare UNSIGNED-PAYLOAD. AWS accepts both; so do we.
  const bodyHash = request.body === undefined ? EMPTY_SHA256 : sha256Hex(request.body);
  return {
    presigned: true,
    credential: get('X-Amz-Credential') ?? '',
    signedHeaders,
    signature: get('X-Amz-Signature') ?? '',
    amzDate: get('X-Amz-Date') ?? '',
    securityToken: get('X-Amz-Security-Token'),
    expiresSeconds,
    query: query.filter(([name]) => name !== 'X-Amz-Signature'),
    payloadHashes: [bodyHash, UNSIGNED_PAYLOAD],
  };
}

/** Decoded query pairs of a request URL ("+" stays "+": SigV4 clients encode spaces as %20), or undefined. */
function parseQuery(url: string): Array<[string, string]> | undefined {
  const at = url.indexOf('?');
  if (at < 0) return [];
  const pairs: Array<[string, string]> = [];
  for (const item of url.slice(at + 1).split('&')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    try {
      const name = decodeURIComponent(eq < 0 ? item : item.slice(0, eq));
      pairs.push([name, eq < 0 ? '' : decodeURIComponent(item.slice(eq + 1))]);
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/** One header as a string (repeated values joined by ","). */
export function header(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.join(',');
}

function dateHeaderAsAmzDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : toAmzDate(time);
}

const STATUS: Record<string, 400 | 403> = {
  IncompleteSignature: 400,
  MalformedQueryString: 400,
  RequestExpired: 400,
};

/** A refusal with the HTTP status AWS uses for its code. */
export function fail(reason: SigV4FailureReason, code: string, message: string): SigV4Failure {
  return { ok: false, reason, code, message, status: STATUS[code] ?? 403 };
}
