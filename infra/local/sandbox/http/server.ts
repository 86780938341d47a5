// The HTTPS server: bearer-token auth, request log, body parsing, discovery and resource dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { apiGroup, apiGroupList, apiVersions, resourceList, versionInfo } from '../discovery.js';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  routeNotFound,
  unauthorized,
  unsupportedMediaType,
} from '../errors.js';
import { openApiGroupVersion, openApiRoot } from '../openapi.js';
import type { SandboxStore } from '../store.js';
import type { HandlerResult } from '../types.js';
import type { FaultInjector } from './faults.js';
import { handleResource } from './handlers.js';
import type { ApiRequest } from './request.js';
import { route } from './router.js';
import { serveWatch } from './watch.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
  /** Set when an injected fault took the request (see faults.ts). */
  fault?: number | 'reset' | 'pass';
}

export interface ApiServerOptions {
  store: SandboxStore;
  token: string;
  authenticate?: ((token: string) => boolean | Promise<boolean>) | undefined;
  key: string;
  cert: string;
  requests: RequestLogEntry[];
  /** Faults to inject before normal handling. */
  faults: FaultInjector;
}

export interface ApiServer {
  server: Server;
  /** Ends open watch streams and connections so `server.close()` returns promptly. */
  shutdown(): void;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, result: HandlerResult, headers: Record<string, string> = {}): void {
  // Health endpoints answer plain text ("ok"), everything else JSON.
  const text = typeof result.body === 'string';
  const body = text ? (result.body as string) : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'Content-Type': text ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

async function authorized(req: IncomingMessage, opts: ApiServerOptions): Promise<boolean> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const token = m?.[1];
  if (!token) return false;
  if (token === opts.token) return true;
  try {
    return opts.authenticate ? await opts.authenticate(token) : false;
  } catch {
    return false;
  }
}

function discovery(pathRoute: ReturnType<typeof route>, host: string): HandlerResult | undefined {
  switch (pathRoute.type) {
    case 'version':
      return { status: 200, body: versionInfo() };
    case 'health':
      return { status: 200, body: 'ok' };
    case 'openapi': {
      const doc = pathRoute.path === '' ? openApiRoot() : openApiGroupVersion(pathRoute.path);
      return doc ? { status: 200, body: doc } : undefined;
    }
    case 'api':
      return { status: 200, body: apiVersions(host) };
    case 'apis':
      return { status: 200, body: apiGroupList() };
    case 'group': {
      const doc = apiGroup(pathRoute.group);
      return doc ? { status: 200, body: doc } : undefined;
    }
    case 'resourceList': {
      const doc = resourceList(pathRoute.group, pathRoute.version);
      return doc ? { status: 200, body: doc } : undefined;
    }
    default:
      return undefined;
  }
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json') && type !== '*/*')
    throw unsupportedMediaType(contentType);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ApiServerOptions,
  watches: Set<ServerResponse>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'https://sandbox');
  const contentType = req.headers['content-type'];
  const text = await readBody(req);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  const entry: RequestLogEntry = {
    method,
    path: req.url ?? '/',
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined ? { body } : {}),
  };
  opts.requests.push(entry);
  // Injected faults come first, before authentication, like a failing proxy or overloaded server.
  const fault = opts.faults.take(method, req.url ?? '/');
  if (fault) {
    entry.fault = fault.spec.status;
    if (await opts.faults.apply(fault, req, res)) return;
  }
  if (!(await authorized(req, opts))) throw unauthorized();

  const target = route(url.pathname);
  if (target.type !== 'resource') {
    if (method !== 'GET' && target.type !== 'notFound') throw methodNotAllowed();
    const doc = discovery(target, req.headers.host ?? 'localhost');
    if (!doc) throw routeNotFound();
    return send(res, doc);
  }
  const apiReq: ApiRequest = {
    method,
    def: target.def,
    namespace: target.namespace,
    name: target.name,
    subresource: target.subresource,
    query: url.searchParams,
    body: parseJson(text, contentType),
    contentType,
    accept: req.headers.accept,
    store: opts.store,
  };
  const watch = url.searchParams.get('watch');
  if (method === 'GET' && target.name === undefined && (watch === 'true' || watch === '1')) {
    return serveWatch(apiReq, res, watches);
  }
  send(res, await handleResource(apiReq));
}

/** Creates (does not start) the sandbox API server. */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const watches = new Set<ServerResponse>();
  const server = createServer({ key: opts.key, cert: opts.cert }, (req, res) => {
    handle(req, res, opts, watches).catch((e: unknown) => {
      const error =
        e instanceof ApiError
          ? e
          : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
      if (!(e instanceof ApiError)) console.error('sandbox: request failed:', e);
      // Like the apiserver's ErrorNegotiated: a positive retryAfterSeconds becomes a Retry-After header.
      const retryAfter = error.details?.retryAfterSeconds;
      if (res.headersSent) res.end();
      else
        send(
          res,
          { status: error.code, body: error.toStatus() },
          retryAfter ? { 'Retry-After': String(retryAfter) } : {},
        );
    });
  });
  return {
    server,
    shutdown: () => {
      opts.faults.cancelDelays();
      for (const res of watches) res.end();
      server.closeAllConnections();
    },
  };
}
