// Runs the machine's real Alertmanager (Debian: /usr/bin/prometheus-alertmanager) against the local SNS
// endpoint, with the config generated from infra/alertmanager/alertmanager.yml. A missing binary is an error,
// never a skip: the template is only proven by the real thing.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/aws/local-account.js';
import {
  EXAMPLE_ALERTMANAGER_CONFIG,
  type LocalAlertmanagerOptions,
  localAlertmanagerConfig,
} from '../../infra/local/sns/alertmanager-config.js';

/** Debian names the binary prometheus-alertmanager; upstream releases call it alertmanager. */
const BINARY_NAMES = ['prometheus-alertmanager', 'alertmanager'] as const;
/** Alertmanager is ready in well under a second here; allow for a loaded CI machine. */
const READY_TIMEOUT_MS = 20_000;
/** Grace period between SIGTERM and SIGKILL on stop. */
const STOP_GRACE_MS = 5_000;

/** An alert as `POST /api/v2/alerts` takes it. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339; Alertmanager sets "now" when absent. */
  startsAt?: string;
  /** RFC 3339; in the past means resolved. */
  endsAt?: string;
  generatorURL?: string;
}

/** Options of {@link startAlertmanager}: where to publish and how fast to group. */
export interface AlertmanagerOptions {
  snsUrl: string;
  topicArn: string;
  region?: string;
  credentials?: LocalAlertmanagerOptions['credentials'];
  /** Defaults 1s / 1s / 1h: notifications within about a second of posting, resolved ones a second later. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Receiver name to rename the example's receiver to (checks how the template reports it). */
  receiverName?: string;
}

/** A running Alertmanager. */
export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The generated config, as written. */
  config: string;
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
  /** Everything it logged so far (stderr and stdout). */
  logs(): string;
  stop(): Promise<void>;
}

/** The Alertmanager binary on PATH, or a clear error saying how to install it. */
export function findAlertmanagerBinary(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of BINARY_NAMES) {
    for (const dir of [...dirs, '/usr/bin']) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    `Alertmanager not found: none of ${BINARY_NAMES.join(', ')} is on PATH. ` +
      'Install it (Debian: apt-get install prometheus-alertmanager); .ci/run does this.',
  );
}

/** Starts Alertmanager on free 127.0.0.1 ports with a config pointing at the local SNS endpoint. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = findAlertmanagerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'remedy-alertmanager-'));
  let config = localAlertmanagerConfig(await readFile(EXAMPLE_ALERTMANAGER_CONFIG, 'utf8'), {
    snsUrl: options.snsUrl,
    topicArn: options.topicArn,
    region: options.region ?? LOCAL_REGION,
    credentials: options.credentials ?? LOCAL_CREDENTIALS,
    groupWait: options.groupWait ?? '1s',
    groupInterval: options.groupInterval ?? '1s',
    repeatInterval: options.repeatInterval ?? '1h',
  });
  if (options.receiverName !== undefined) config = renameReceiver(config, options.receiverName);
  const configPath = join(dir, 'alertmanager.yml');
  await writeFile(configPath, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Empty: no cluster gossip (it would open another port and wait for peers).
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
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

  return {
    url,
    config,
    logs: () => output,
    stop,
    postAlerts: async (alerts) => {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`);
    },
  };
}

// The example has one route and one receiver; both names change together.
function renameReceiver(configYaml: string, name: string): string {
  const config = parse(configYaml) as { route: { receiver: string }; receivers: Array<{ name: string }> };
  config.route.receiver = name;
  for (const receiver of config.receivers) receiver.name = name;
  return stringify(config, { lineWidth: 0 });
}

async function waitUntilReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Alertmanager not ready after ${READY_TIMEOUT_MS} ms:\n${logs()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

// Asks the OS for a free port, then releases it for Alertmanager (which cannot report a port-0 choice).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
