// The Prometheus test harness: the machine's real Prometheus (infra/local/prometheus/prometheus-process.ts) and a
// tiny exporter whose values the test sets. A missing binary is an error, never a skip: PromQL semantics
// (staleness, vector matching, HTTP API errors) are only proven by the real thing.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exposition, type Series, setSample } from '../../infra/local/prometheus/exposition.js';

export {
  findPrometheusBinary,
  freePort,
  type PrometheusOptions,
  prometheusConfig,
  type RunningPrometheus,
  startPrometheus,
} from '../../infra/local/prometheus/prometheus-process.js';

/** How long {@link waitForQuery} polls before giving up (several scrape intervals on a loaded machine). */
const DEFAULT_WAIT_MS = 20_000;

/** One sample as the query API returns it, value parsed. */
export interface QuerySample {
  metric: Record<string, string>;
  value: number;
}

/** Runs an instant query against `prometheusUrl`; throws on any API error. */
export async function queryPrometheus(prometheusUrl: string, promql: string): Promise<QuerySample[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: promql }).toString(),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`query ${promql}: ${response.status} ${body.error ?? 'no data'}`);
  }
  if (body.data.resultType === 'scalar') {
    const [, value] = body.data.result as [number, string];
    return [{ metric: {}, value: Number(value) }];
  }
  return (body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map(
    (s) => ({
      metric: s.metric,
      value: Number(s.value[1]),
    }),
  );
}

/**
 * Polls the query API until `accept(samples)` holds (default: at least one sample). Use after `exporter.set()`
 * so a test starts only once Prometheus has scraped the value: no fixed sleeps.
 */
export async function waitForQuery(
  prometheusUrl: string,
  promql: string,
  accept: (samples: QuerySample[]) => boolean = (samples) => samples.length > 0,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<QuerySample[]> {
  const deadline = Date.now() + timeoutMs;
  let last: QuerySample[] | string = 'never queried';
  while (Date.now() < deadline) {
    try {
      const samples = await queryPrometheus(prometheusUrl, promql);
      if (accept(samples)) return samples;
      last = samples;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Prometheus never satisfied ${promql} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}

/** Waits until `promql` returns exactly one sample equal to `value`. */
export function waitForValue(prometheusUrl: string, promql: string, value: number): Promise<QuerySample[]> {
  return waitForQuery(prometheusUrl, promql, (s) => s.length === 1 && s[0]?.value === value);
}

/** A /metrics endpoint the test drives. */
export interface Exporter {
  /** `http://127.0.0.1:<port>/metrics`: pass to `startPrometheus({ scrapeTargets })`. */
  url: string;
  /** Sets a gauge sample; it is exposed from the next scrape on. */
  set(metric: string, labels: Record<string, string>, value: number): void;
  /** Stops exposing a sample: Prometheus marks it stale at the next scrape, so queries return nothing. */
  remove(metric: string, labels: Record<string, string>): void;
  close(): Promise<void>;
}

/** Starts a text-format exporter on a free 127.0.0.1 port. */
export async function startExporter(): Promise<Exporter> {
  const series: Series = new Map();
  const server = createHttpServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/metrics')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(series));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    set: (metric, labels, value) => setSample(series, metric, labels, value),
    remove: (metric, labels) => setSample(series, metric, labels, undefined),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
