// The TSDB admin API of a self-hosted Prometheus (only served with --web.enable-admin-api), reached through
// the same per-cluster endpoint resolution and authentication as queries.

import { type TsdbAdmin, TsdbAdminError } from '#domain/actions/series/port.js';
import { PrometheusError } from '#domain/analysis/errors.js';
import type { PrometheusEndpoint } from './endpoint.js';

/** Deleting series of a large block can take a while; Lambda has the rest of its minute. */
export const ADMIN_TIMEOUT_MS = 20_000;

export interface TsdbAdminOptions {
  resolve: (cluster: string) => Promise<PrometheusEndpoint>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `{"status":"error","errorType":"unavailable","error":"admin APIs disabled"}` → its error text. */
const errorText = (text: string): string => {
  try {
    const json = JSON.parse(text) as { error?: unknown; errorType?: unknown; message?: unknown };
    const message = json.error ?? json.message;
    if (typeof message === 'string')
      return typeof json.errorType === 'string' ? `${json.errorType}: ${message}` : message;
  } catch {
    // not JSON: a proxy's page
  }
  return text.slice(0, 200) || 'no message';
};

export function createTsdbAdmin(options: TsdbAdminOptions): TsdbAdmin {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? ADMIN_TIMEOUT_MS;

  const post = async (cluster: string, path: string, form: URLSearchParams, signal?: AbortSignal) => {
    let endpoint: PrometheusEndpoint;
    try {
      endpoint = await options.resolve(cluster);
    } catch (error) {
      // No Prometheus configured for the cluster will not change on a retry; a registry hiccup may.
      const unavailable = error instanceof PrometheusError && error.name === 'PrometheusUnavailableError';
      throw new TsdbAdminError((error as Error).message, { retryable: !unavailable, cause: error });
    }
    const url = new URL(`${endpoint.url}${path}`);
    const body = form.toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const auth = await endpoint.authorize({ method: 'POST', url, headers, body });
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { ...headers, ...auth },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      throw new TsdbAdminError(`Prometheus ${url.host} unreachable: ${why}`, {
        retryable: true,
        cause: error,
      });
    }
    const text = await response.text();
    if (response.status === 204 || response.status === 200) return endpoint.url;
    const message = errorText(text);
    // Prometheus answers 503 "unavailable" when the admin API is off: a configuration matter, not a blip.
    const disabled = /admin apis disabled/i.test(message);
    const retryable = !disabled && (response.status >= 500 || response.status === 429);
    const hint = disabled ? ' (start Prometheus with --web.enable-admin-api)' : '';
    throw new TsdbAdminError(`POST ${path} answered ${response.status}: ${message}${hint}`, {
      retryable,
      status: response.status,
    });
  };

  return {
    async deleteSeries(cluster, request, signal) {
      const form = new URLSearchParams();
      for (const m of request.matchers) form.append('match[]', m);
      if (request.start) form.set('start', (request.start.getTime() / 1000).toString());
      if (request.end) form.set('end', (request.end.getTime() / 1000).toString());
      const url = await post(cluster, '/api/v1/admin/tsdb/delete_series', form, signal);
      return { url };
    },
    async cleanTombstones(cluster, signal) {
      await post(cluster, '/api/v1/admin/tsdb/clean_tombstones', new URLSearchParams(), signal);
    },
  };
}

/** A TsdbAdmin that builds the endpoint resolver (SSM secrets, AWS credentials) on the first deleteSeries. */
export function lazyTsdbAdmin(wiring: import('./build.js').PrometheusWiring): TsdbAdmin {
  let admin: Promise<TsdbAdmin> | undefined;
  const get = () => {
    admin ??= import('./build.js').then((m) => createTsdbAdmin({ resolve: m.buildEndpointResolver(wiring) }));
    return admin;
  };
  return {
    deleteSeries: async (cluster, request, signal) => (await get()).deleteSeries(cluster, request, signal),
    cleanTombstones: async (cluster, signal) => (await get()).cleanTombstones(cluster, signal),
  };
}
