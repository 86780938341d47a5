// Runs the machine's real Prometheus (Debian: /usr/bin/prometheus 2.42) on 127.0.0.1 with a temporary data
// directory: for `npm start` (infra/local/stack.ts) and the tests (test/support/prometheus.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';

/** Ready in about a second here; allow for a loaded CI machine. */
const READY_TIMEOUT_MS = 30_000;
/** Grace period between SIGTERM and SIGKILL on stop. */
const STOP_GRACE_MS = 5_000;

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
export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it logged so far. */
  logs(): string;
  stop(): Promise<void>;
}

/** The Prometheus binary on PATH (or /usr/bin), or a clear error saying how to install it. */
export function findPrometheusBinary(searchPath = process.env.PATH ?? '', extraDirs = ['/usr/bin']): string {
  const dirs = searchPath.split(delimiter).filter(Boolean);
  for (const dir of [...dirs, ...extraDirs]) {
    const path = join(dir, 'prometheus');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(
    `Prometheus not found: no executable "prometheus" in ${[...dirs, ...extraDirs].join(delimiter)}. ` +
      'Install it (Debian: apt-get install prometheus); .ci/run does this.',
  );
}

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
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logs: () => output, stop };
}

async function waitUntilReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prometheus exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Prometheus not ready after ${READY_TIMEOUT_MS} ms:\n${logs()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

// Asks the OS for a free port, then releases it for Prometheus (which cannot report a port-0 choice).
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
