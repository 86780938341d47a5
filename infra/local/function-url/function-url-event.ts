// The event a Lambda Function URL hands its function (payload format 2.0, as API Gateway HTTP APIs), and how
// the URL turns the function's answer into an HTTP response; the local stack serves functions with `url:` this
// way, so what the handler sees locally is what it sees deployed.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Function URLs refuse request payloads over 6 MB (413), before the function runs. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** Content types whose body a Function URL passes as text; any other body arrives base64-encoded. */
const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|javascript|xml|x-www-form-urlencoded|yaml)$/,
  /^application\/[\w.+-]+\+(json|xml)$/,
];

export interface FunctionUrlRequest {
  method: string;
  /** Path and query as received (`/a/b?x=1`). */
  url: string;
  /** Node's raw header list: [name, value, name, value, …]. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  /** `<url-id>.lambda-url.<region>.on.aws`, or the local host:port. */
  domainName: string;
  accountId?: string;
  now?: Date;
}

/** The 2.0 event for one HTTP request (auth type NONE: no authorizer block, accountId "anonymous"). */
export function functionUrlEvent(request: FunctionUrlRequest): APIGatewayProxyEventV2 {
  const now = request.now ?? new Date();
  const [rawPath = '/', rawQueryString = ''] = splitOnce(request.url, '?');
  // Header names lower-cased; repeated headers joined with commas; cookies moved to `cookies`.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(...value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'https';
  headers['x-forwarded-port'] ??= '443';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const asText = TEXT_TYPES.some((t) => t.test(contentType));
  const domainPrefix = request.domainName.split('.')[0] ?? request.domainName;
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: request.accountId ?? 'anonymous',
      apiId: domainPrefix,
      domainName: request.domainName,
      domainPrefix,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length > 0
      ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: request.body.length > 0 && !asText,
  };
}

export interface FunctionUrlResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * What the URL answers for a handler's result: a result with `statusCode` is taken as the response (headers,
 * cookies, base64 body); anything else is a 200 with the value as JSON, as Lambda infers it.
 */
export function functionUrlResponse(result: unknown): FunctionUrlResponse {
  if (isRecord(result) && typeof result.statusCode === 'number') {
    const headers: Record<string, string | string[]> = {};
    if (isRecord(result.headers)) {
      for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = String(value);
    }
    if (Array.isArray(result.cookies) && result.cookies.length > 0)
      headers['set-cookie'] = result.cookies.map(String);
    const body =
      typeof result.body === 'string'
        ? Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8')
        : Buffer.alloc(0);
    return { status: result.statusCode, headers, body };
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) };
}

// Common Log Format time, as requestContext.time has it: "25/Nov/2026:14:03:58 +0000".
function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
