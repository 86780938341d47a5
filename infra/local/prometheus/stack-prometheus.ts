// How `npm start` gives remedy a Prometheus: yours (PROMETHEUS_URL set before starting), else the machine's
// real one scraping the sandbox, reached by the sandbox's registry entry as an Amazon Managed Prometheus
// workspace on the local AWS endpoint (SigV4, signing name aps: the deployed path) and by PROMETHEUS_URL
// directly for any other cluster.
import { DynamoClusterRegistry } from '#adapters/dynamodb/cluster-registry.js';
import type { AwsEndpoint } from '../aws/aws-endpoint.js';
import { localDocumentClient } from '../dynamodb-local.js';
import type { Sandbox } from '../sandbox/index.js';
import { BRING_YOUR_OWN_PROMETHEUS, startLocalPrometheus } from './local-prometheus.js';

/** The AMP workspace id the local AWS endpoint serves the sandbox's Prometheus under. */
export const LOCAL_WORKSPACE = 'ws-remedy-local';

/** URLs of the Prometheus servers this process started: a later stack must not take one for the user's. */
const started = new Set<string>();

export interface StackPrometheus {
  /** Environment for the functions (PROMETHEUS_URL), empty without a Prometheus. */
  env: Record<string, string>;
  /** For `.remedy/local.json` → `prometheus`. */
  localJson: Record<string, unknown> | undefined;
  /** The URL remedy's default reaches, when there is one. */
  url: string | undefined;
  stop(): Promise<void>;
}

export async function setUpLocalPrometheus(options: {
  stateDir: string;
  cluster: string;
  sandbox: Sandbox | undefined;
  aws: AwsEndpoint | undefined;
  registry: { endpoint: string; table: string };
  port?: number;
  log: (line: string) => void;
}): Promise<StackPrometheus> {
  const none = async () => {};
  const yours = process.env.PROMETHEUS_URL;
  if (yours !== undefined && yours !== '' && !started.has(yours)) {
    options.log(`Prometheus: yours at ${yours} (PROMETHEUS_URL)`);
    return { env: { PROMETHEUS_URL: yours }, localJson: { endpoint: yours }, url: yours, stop: none };
  }
  delete process.env.PROMETHEUS_URL;
  const local = await startLocalPrometheus({
    stateDir: options.stateDir,
    store: options.sandbox?.store,
    cluster: options.cluster,
    ...(options.port ? { port: options.port } : {}),
  });
  if (!local.running) {
    options.log(`no Prometheus: ${local.reason}\n  ${BRING_YOUR_OWN_PROMETHEUS}`);
    return { env: {}, localJson: undefined, url: undefined, stop: none };
  }
  started.add(local.url);
  const stop = async () => {
    started.delete(local.url);
    await local.stop();
  };
  try {
    let workspace: string | undefined;
    if (options.aws) {
      options.aws.addPrometheusWorkspace(LOCAL_WORKSPACE, local.url);
      workspace = `${options.aws.url}/workspaces/${LOCAL_WORKSPACE}`;
      await attachToRegistry(options.registry, options.cluster, workspace);
    }
    options.log(
      `Prometheus ${local.url} scraping the sandbox (${local.exporter.url})` +
        (workspace ? `; remedy queries it as AMP workspace ${workspace} (SigV4)` : ''),
    );
    return {
      env: { PROMETHEUS_URL: local.url },
      localJson: {
        endpoint: local.url,
        ...(workspace ? { ampWorkspace: workspace } : {}),
        exporter: { metrics: local.exporter.url, set: local.exporter.setUrl },
      },
      url: local.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Names the workspace on the cluster's registry entry, as an operator would for a deployed cluster. */
async function attachToRegistry(
  target: { endpoint: string; table: string },
  cluster: string,
  workspace: string,
): Promise<void> {
  const client = localDocumentClient(target.endpoint);
  try {
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    const registry = new DynamoClusterRegistry(
      client,
      target.table,
      { logger: silent, metrics: { count: () => {} }, now: Date.now },
      0,
    );
    const entry = await registry.get(cluster);
    if (entry === undefined) return;
    await registry.put(
      { ...entry, prometheus: { endpoint: workspace, auth: { type: 'sigv4' } } },
      new Date().toISOString(),
    );
  } finally {
    client.destroy();
  }
}
