// Runs the machine's real Alertmanager (Debian: /usr/bin/prometheus-alertmanager) against the local SNS
// endpoint, with the config generated from infra/alertmanager/alertmanager.yml. A missing binary is an error,
// never a skip: the template is only proven by the real thing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/aws/local-account.js';
import { findBinary, freePort, startDaemon } from '../../infra/local/daemon.js';
import {
  EXAMPLE_ALERTMANAGER_CONFIG,
  type LocalAlertmanagerOptions,
  localAlertmanagerConfig,
} from '../../infra/local/sns/alertmanager-config.js';

/** Debian names the binary prometheus-alertmanager; upstream releases call it alertmanager. */
const BINARY_NAMES = ['prometheus-alertmanager', 'alertmanager'] as const;
/** Alertmanager is ready in well under a second here; allow for a loaded CI machine. */
const READY_TIMEOUT_MS = 20_000;

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
export const findAlertmanagerBinary = (): string =>
  findBinary('Alertmanager', BINARY_NAMES, 'Install it (Debian: apt-get install prometheus-alertmanager)');

/** Starts Alertmanager on free 127.0.0.1 ports with a config pointing at the local SNS endpoint. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
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
  return runAlertmanager(config);
}

/** Runs Alertmanager with the given config on a free 127.0.0.1 port (no cluster gossip), ready to take alerts. */
export async function runAlertmanager(config: string): Promise<RunningAlertmanager> {
  const binary = findAlertmanagerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'remedy-alertmanager-'));
  const configPath = join(dir, 'alertmanager.yml');
  await writeFile(configPath, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { logs, stop } = await startDaemon({
    name: 'Alertmanager',
    binary,
    args: [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Empty: no cluster gossip (it would open another port and wait for peers).
      '--cluster.listen-address=',
    ],
    url,
    readyTimeoutMs: READY_TIMEOUT_MS,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
  return {
    url,
    config,
    logs,
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
