// Where and how remedy asks a cluster's Prometheus: the clusters registry entry's `prometheus`, else the
// deployment's default (PROMETHEUS_URL); SigV4 (`aps`) for Amazon Managed Service for Prometheus, basic or
// bearer for a self-hosted one. Reused by the TSDB admin client, so both authenticate the same way.

import { PrometheusError, PrometheusUnavailableError } from '#domain/analysis/errors.js';
import type { PrometheusTarget } from '#domain/cluster/registry.js';
import type { ClusterRegistry } from '#domain/ports.js';
import { signRequest } from '../aws/sigv4-sign.js';
import type { SigningCredentials } from '../eks/presign.js';

/** The signing name of Amazon Managed Service for Prometheus. */
export const APS_SERVICE = 'aps';

/** A request about to be sent, as {@link PrometheusEndpoint.authorize} sees it (the body is what gets signed). */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** One Prometheus API root and how to authenticate to it. */
export interface PrometheusEndpoint {
  /** The API root, no trailing slash: requests go to `${url}/api/v1/…`. */
  url: string;
  /** The headers to add to this exact request (Authorization, X-Amz-Date…); `{}` without auth. */
  authorize(request: OutgoingRequest): Promise<Record<string, string>>;
}

/** What authentication needs, built once per container. */
export interface EndpointDeps {
  /** A decrypted SSM parameter by name (CachedSecrets.get): basic and bearer secrets. */
  secret: (parameterName: string) => Promise<string>;
  /** AWS credentials for SigV4 (the function's role). */
  credentials: () => Promise<SigningCredentials>;
  now: () => Date;
}

/** Where to look a cluster's Prometheus up. */
export interface EndpointSources {
  registry?: Pick<ClusterRegistry, 'get'> | undefined;
  /** The deployment's default (PROMETHEUS_URL and its auth), for clusters whose entry names none. */
  fallback?: PrometheusTarget | undefined;
  /** Region for SigV4 when neither the auth, the AMP host nor a registry entry says. */
  region: string;
}

/** `aps-workspaces.eu-west-1.amazonaws.com` → `eu-west-1` (also the .api.aws and VPC endpoint forms). */
export const regionOfAmpHost = (host: string): string | undefined =>
  /(?:^|\.)aps-workspaces(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(host)?.[1];

/** An endpoint for a registry entry's (or the default's) `prometheus` settings. */
export function prometheusEndpoint(
  target: PrometheusTarget,
  clusterRegion: string,
  deps: EndpointDeps,
): PrometheusEndpoint {
  const url = target.endpoint.replace(/\/+$/, '');
  const { auth } = target;
  if (auth === undefined) return { url, authorize: async () => ({}) };
  switch (auth.type) {
    case 'basic':
      return {
        url,
        authorize: async () => {
          const [user, password] = await Promise.all([
            deps.secret(auth.usernameParameter),
            deps.secret(auth.passwordParameter),
          ]);
          return { authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
        },
      };
    case 'bearer':
      return {
        url,
        authorize: async () => ({ authorization: `Bearer ${await deps.secret(auth.tokenParameter)}` }),
      };
    case 'sigv4': {
      const region = auth.region ?? regionOfAmpHost(new URL(url).hostname) ?? clusterRegion;
      return {
        url,
        authorize: async (request) =>
          signRequest({
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            service: APS_SERVICE,
            region,
            credentials: await deps.credentials(),
            now: deps.now(),
          }),
      };
    }
  }
}

/**
 * The Prometheus for a cluster: its registry entry's `prometheus`, else the deployment's default. Throws a
 * PrometheusUnavailableError when there is neither (a check must then not run, let alone act), and a
 * PrometheusError when the registry cannot be read.
 */
export async function resolvePrometheusEndpoint(
  cluster: string,
  sources: EndpointSources,
  deps: EndpointDeps,
): Promise<PrometheusEndpoint> {
  let entry: Awaited<ReturnType<ClusterRegistry['get']>>;
  try {
    entry = await sources.registry?.get(cluster);
  } catch (error) {
    throw new PrometheusError(
      `cannot read the clusters registry for ${cluster}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (entry?.prometheus !== undefined) return prometheusEndpoint(entry.prometheus, entry.region, deps);
  if (sources.fallback !== undefined)
    return prometheusEndpoint(sources.fallback, entry?.region ?? sources.region, deps);
  throw new PrometheusUnavailableError(
    `no Prometheus for cluster ${cluster}: set "prometheus" on its clusters-registry entry ` +
      `(remedy clusters put --name ${cluster} … --prometheus-url URL) or PROMETHEUS_URL`,
  );
}
