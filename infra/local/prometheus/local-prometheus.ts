// `npm start`'s Prometheus: the machine's real one (when installed) scraping a small exporter of the sandbox's
// state, named like kube-state-metrics so the example policies' analysis queries work unchanged, plus
// synthetic gauges you set to rehearse a check (`POST /_local/set`). Without a Prometheus binary the stack
// runs on and says how to point remedy at yours.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closeServer, readBody } from '../http-util.js';
import type { SandboxStore } from '../sandbox/store.js';
import { exposition, type Series, seriesKey, setSample } from './exposition.js';
import { findPrometheusBinary, type RunningPrometheus, startPrometheus } from './prometheus-process.js';

/** Pod phases kube-state-metrics reports, one series each (1 for the current phase). */
const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
/** Synthetic gauges are small JSON posts. */
const MAX_SET_BYTES = 16 * 1024;

/** A /metrics endpoint of the sandbox's pods and deployments, plus gauges set over HTTP. */
export interface SandboxExporter {
  /** `http://127.0.0.1:<port>/metrics` */
  url: string;
  /** `POST` JSON `{"metric": "…", "labels": {…}, "value": 0.97}` here (`"value": null` removes it). */
  setUrl: string;
  close(): Promise<void>;
}

/** kube-state-metrics-style series of the sandbox's objects, computed at scrape time. */
export function sandboxSeries(store: SandboxStore, cluster: string): Series {
  const series: Series = new Map();
  for (const pod of store.list('pods')) {
    const { namespace = '', name = '' } = pod.metadata;
    const phase = String(pod.status?.phase ?? 'Unknown');
    for (const p of POD_PHASES)
      setSample(
        series,
        'kube_pod_status_phase',
        { cluster, namespace, pod: name, phase: p },
        p === phase ? 1 : 0,
      );
    const statuses: Array<{ name?: string; restartCount?: number; ready?: boolean }> =
      pod.status?.containerStatuses ?? [];
    for (const c of statuses) {
      const labels = { cluster, namespace, pod: name, container: c.name ?? '' };
      setSample(series, 'kube_pod_container_status_restarts_total', labels, c.restartCount ?? 0);
      setSample(series, 'kube_pod_container_status_ready', labels, c.ready === true ? 1 : 0);
    }
  }
  for (const deployment of store.list('deployments')) {
    const labels = {
      cluster,
      namespace: deployment.metadata.namespace ?? '',
      deployment: deployment.metadata.name ?? '',
    };
    setSample(series, 'kube_deployment_spec_replicas', labels, Number(deployment.spec?.replicas ?? 1));
    setSample(
      series,
      'kube_deployment_status_replicas_available',
      labels,
      Number(deployment.status?.availableReplicas ?? 0),
    );
  }
  return series;
}

/** Starts the exporter on a free 127.0.0.1 port. */
export async function startSandboxExporter(
  store: SandboxStore | undefined,
  cluster: string,
): Promise<SandboxExporter> {
  const synthetic: Series = new Map();
  const server = createServer((req, res) => {
    handle(req)
      .then(({ status, body }) =>
        res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' }).end(body),
      )
      .catch((error: unknown) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`${error}\n`));
  });
  const handle = async (req: IncomingMessage): Promise<{ status: number; body: string }> => {
    if (req.method === 'GET' && req.url === '/metrics') {
      const state = store === undefined ? new Map() : sandboxSeries(store, cluster);
      return { status: 200, body: exposition(state) + exposition(synthetic) };
    }
    if (req.method === 'POST' && req.url === '/_local/set') {
      const raw = await readBody(req, MAX_SET_BYTES);
      if (raw === undefined) return { status: 413, body: 'too large\n' };
      const {
        metric,
        labels = {},
        value,
      } = JSON.parse(raw.toString('utf8')) as {
        metric: string;
        labels?: Record<string, string>;
        value: number | null;
      };
      if (value !== null && typeof value !== 'number') throw new Error('value must be a number or null');
      setSample(synthetic, metric, labels, value ?? undefined);
      return { status: 200, body: `${metric}${seriesKey(labels)} ${value ?? '(removed)'}\n` };
    }
    return { status: 404, body: 'GET /metrics or POST /_local/set\n' };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return { url: `${base}/metrics`, setUrl: `${base}/_local/set`, close: () => closeServer(server) };
}

/** What the local stack got: a Prometheus it runs, or the reason it runs none. */
export type LocalPrometheus =
  | { running: true; url: string; exporter: SandboxExporter; stop(): Promise<void> }
  | { running: false; reason: string };

/**
 * Starts Prometheus (1 s scrapes, data under `stateDir/prometheus`) and the sandbox exporter, or explains why
 * not: no binary installed. The caller decides how remedy reaches it (directly or as an AMP workspace).
 */
export async function startLocalPrometheus(options: {
  stateDir: string;
  store: SandboxStore | undefined;
  cluster: string;
  port?: number;
}): Promise<LocalPrometheus> {
  try {
    findPrometheusBinary();
  } catch (error) {
    return { running: false, reason: (error as Error).message };
  }
  const exporter = await startSandboxExporter(options.store, options.cluster);
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({
      scrapeTargets: [exporter.url],
      scrapeIntervalSeconds: 1,
      dataDir: join(options.stateDir, 'prometheus'),
      ...(options.port ? { port: options.port } : {}),
    });
  } catch (error) {
    await exporter.close();
    throw error;
  }
  return {
    running: true,
    url: prometheus.url,
    exporter,
    stop: async () => {
      await prometheus.stop();
      await exporter.close();
    },
  };
}

/** What `npm start` prints when it runs no Prometheus. */
export const BRING_YOUR_OWN_PROMETHEUS = [
  'policies with `analysis` need a Prometheus; to use yours, restart with PROMETHEUS_URL=http://<host>:9090 npm start',
  '(or set it per cluster: remedy clusters put --local --name sandbox --eks-cluster-name sandbox --region us-east-1 --prometheus-url URL)',
].join('\n  ');
