// Runs the machine's real Prometheus (Debian: /usr/bin/prometheus 2.42) on 127.0.0.1 with a temporary data
// directory: for `npm start` (infra/local/stack.ts) and the tests (test/support/prometheus.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Daemon, findBinary, freePort, startDaemon } from '../daemon.js';

export { freePort };

/** Ready in about a second here; allow for a loaded CI machine. */
const READY_TIMEOUT_MS = 30_000;

export interface PrometheusOptions {
  /** Targets to scrape: `http://127.0.0.1:1234/metrics` (path defaults to /metrics) or `127.0.0.1:1234`. */
  scrapeTargets?: string[];
  /** Default 1: a value set on the exporter is queryable within about a second. */
  scrapeIntervalSeconds?: number;
  /** `--web.enable-admin-api` (TSDB admin endpoints: delete_series, clean_tombstones, snapshot). */
  adminApi?: boolean;
  /** Default a free port. */
  port?: number;
  /** Data directory to keep (npm start); default a temporary one, removed on stop. */
  dataDir?: string;
}

/** A running Prometheus. */
export type RunningPrometheus = Daemon;

/** The Prometheus binary on PATH (or /usr/bin), or a clear error saying how to install it. */
export const findPrometheusBinary = (searchPath?: string, extraDirs?: readonly string[]): string =>
  findBinary(
    'Prometheus',
    ['prometheus'],
    'Install it (Debian: apt-get install prometheus)',
    searchPath,
    extraDirs,
  );

/** The Prometheus config scraping `targets` (exported so the local stack writes the same shape). */
export function prometheusConfig(targets: readonly string[], scrapeIntervalSeconds: number): string {
  // One job per distinct scheme+path: Prometheus needs unique job names and one metrics_path per job.
  const jobs = new Map<string, { scheme: string; path: string; hosts: string[] }>();
  for (const target of targets) {
    const url = new URL(target.includes('://') ? target : `http://${target}`);
    const path = url.pathname === '/' ? '/metrics' : url.pathname;
    const key = `${url.protocol}${path}`;
    const job = jobs.get(key) ?? { scheme: url.protocol.replace(':', ''), path, hosts: [] };
    job.hosts.push(url.host);
    jobs.set(key, job);
  }
  const interval = `${scrapeIntervalSeconds}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [...jobs.values()].map((job, index) => ({
      job_name: index === 0 ? 'exporter' : `exporter-${index + 1}`,
      scheme: job.scheme,
      metrics_path: job.path,
      scrape_interval: interval,
      scrape_timeout: interval,
      static_configs: [{ targets: job.hosts }],
    })),
  });
}

/** Starts Prometheus on a free 127.0.0.1 port with a temporary data directory; resolves once /-/ready. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const port = options.port ?? (await freePort());
  const binary = findPrometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), 'remedy-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(
    configPath,
    prometheusConfig(options.scrapeTargets ?? [], options.scrapeIntervalSeconds ?? 1),
  );
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${options.dataDir ?? join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
  ];
  if (options.adminApi === true) args.push('--web.enable-admin-api');
  return startDaemon({
    name: 'Prometheus',
    binary,
    args,
    url,
    readyTimeoutMs: READY_TIMEOUT_MS,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
}
