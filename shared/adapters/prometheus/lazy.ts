import type { PrometheusQueries } from '#domain/ports.js';
import type { PrometheusWiring } from './build.js';

/**
 * A PrometheusQueries that loads and builds the real client on the first query: most invocations (policies
 * without `analysis`, duplicates, resolved alerts) never pay for it.
 */
export function lazyPrometheus(wiring: PrometheusWiring): PrometheusQueries {
  let client: Promise<PrometheusQueries> | undefined;
  return {
    instantQuery: async (cluster, promql, signal) => {
      client ??= import('./build.js').then((m) => m.buildPrometheus(wiring));
      return (await client).instantQuery(cluster, promql, signal);
    },
  };
}
