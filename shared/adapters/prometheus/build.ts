// Builds the Prometheus client once per container: SSM secrets (cached), the function's AWS credentials for
// SigV4, and the per-cluster endpoint resolver. Loaded on the first analysis, never at cold start.
import type { PrometheusTarget } from '#domain/cluster/registry.js';
import type { ClusterRegistry, PrometheusQueries } from '#domain/ports.js';
import { type CredentialProvider, defaultCredentialProvider } from '../eks/credentials.js';
import { CachedSecrets, type ParameterReader, ssmParameterReader } from '../notify/ssm-secrets.js';
import { type EndpointDeps, type PrometheusEndpoint, resolvePrometheusEndpoint } from './endpoint.js';
import { PrometheusHttp } from './prometheus-http.js';

export interface PrometheusWiring {
  region: string;
  ssmEndpoint?: string | undefined;
  registry?: Pick<ClusterRegistry, 'get'> | undefined;
  /** PROMETHEUS_URL and its auth. */
  fallback?: PrometheusTarget | undefined;
  /** AWS credentials for SigV4 and SSM (the wiring's: the function's role); default the SDK's chain. */
  credentials?: CredentialProvider;
  readParameters?: ParameterReader;
  now?: () => Date;
  timeoutMs?: number;
}

/** cluster → its Prometheus endpoint, authenticated: for queries here and the TSDB admin client. */
export function buildEndpointResolver(
  wiring: PrometheusWiring,
): (cluster: string) => Promise<PrometheusEndpoint> {
  const credentials = wiring.credentials ?? defaultCredentialProvider();
  const secrets = new CachedSecrets(
    wiring.readParameters ??
      ssmParameterReader({
        region: wiring.region,
        ...(wiring.ssmEndpoint ? { endpoint: wiring.ssmEndpoint } : {}),
        credentials,
      }),
  );
  const deps: EndpointDeps = {
    secret: (name) => secrets.get(name),
    credentials,
    now: wiring.now ?? (() => new Date()),
  };
  const sources = { registry: wiring.registry, fallback: wiring.fallback, region: wiring.region };
  return (cluster) => resolvePrometheusEndpoint(cluster, sources, deps);
}

export function buildPrometheus(wiring: PrometheusWiring): PrometheusQueries {
  return new PrometheusHttp({
    resolve: buildEndpointResolver(wiring),
    ...(wiring.timeoutMs === undefined ? {} : { timeoutMs: wiring.timeoutMs }),
  });
}
