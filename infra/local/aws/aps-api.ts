// The query slice of Amazon Managed Service for Prometheus (AMP) on the local AWS endpoint:
// `GET|POST /workspaces/{workspaceId}/api/v1/{query,query_range,series,labels}`, SigV4-verified with signing
// name `aps` like the real service, then answered by a real Prometheus. Errors are AMP's: `{"message": …}`
// with the code in `x-amzn-ErrorType`.
import type { AwsAuthFailure, AwsAuthSuccess } from './aws-auth.js';

/** The signing name AMP verifies. */
export const APS_SIGNING_NAME = 'aps';

/** Read-only query APIs remedy (and Grafana) use; anything else is not served. */
const QUERY_APIS = new Set(['query', 'query_range', 'series', 'labels']);

/** An AMP call, routed. */
export interface ApsRoute {
  workspaceId: string;
  /** The Prometheus API path to forward to, e.g. `/api/v1/query`. */
  apiPath: string;
}

/** The workspace and API of an AMP path, or undefined when it is not one (the caller tries other services). */
export function apsRoute(path: string): ApsRoute | undefined {
  const m = /^\/workspaces\/([^/]+)(\/api\/v1\/([a-z_]+))$/.exec(path);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { workspaceId: m[1], apiPath: m[2] };
}

/** A request as the endpoint read it. */
export interface ApsRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  route: ApsRoute;
  body: Buffer;
  contentType: string | undefined;
  requestId: string;
  auth: AwsAuthSuccess | AwsAuthFailure;
}

export interface ApsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  errorCode?: string;
}

const apsError = (code: string, message: string, status: number, requestId: string): ApsAnswer => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
  body: JSON.stringify({ message }),
  errorCode: code,
});

/** Authenticates, finds the workspace, and forwards the query to its Prometheus. */
export async function answerAps(
  request: ApsRequest,
  workspaces: ReadonlyMap<string, string>,
): Promise<ApsAnswer> {
  const { auth, route, requestId } = request;
  if (!auth.ok) return apsError(auth.code, auth.message, auth.status, requestId);
  if (request.method !== 'GET' && request.method !== 'POST')
    return apsError('ValidationException', `Unsupported method ${request.method}`, 405, requestId);
  const api = route.apiPath.slice('/api/v1/'.length);
  if (!QUERY_APIS.has(api))
    return apsError(
      'UnknownOperationException',
      `No operation at ${request.method} ${route.apiPath}`,
      404,
      requestId,
    );
  const prometheus = workspaces.get(route.workspaceId);
  if (prometheus === undefined)
    return apsError(
      'ResourceNotFoundException',
      `Workspace ${route.workspaceId} does not exist.`,
      404,
      requestId,
    );
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const upstream = await fetch(`${prometheus.replace(/\/+$/, '')}${route.apiPath}${query}`, {
    method: request.method,
    headers: request.contentType === undefined ? {} : { 'content-type': request.contentType },
    ...(request.method === 'POST' ? { body: request.body } : {}),
  });
  return {
    status: upstream.status,
    headers: {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      'x-amzn-requestid': requestId,
    },
    body: await upstream.text(),
  };
}
