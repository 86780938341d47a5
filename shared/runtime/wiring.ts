import { createAwsUserActions } from '#adapters/aws-actions/aws-user-actions.js';
import { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { DynamoClusterRegistry } from '#adapters/dynamodb/cluster-registry.js';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { AssumedRoleCache } from '#adapters/eks/assumed-role-cache.js';
import type { CredentialProvider } from '#adapters/eks/credentials.js';
import { describeCluster } from '#adapters/eks/describe-cluster.js';
import { EksClusters } from '#adapters/eks/eks-clusters.js';
import { TokenCache } from '#adapters/eks/token-cache.js';
import { StaticClusters } from '#adapters/kubernetes/static-clusters.js';
import { buildNotifier } from '#adapters/notify/build-notifier.js';
import { ConsoleNotifier } from '#adapters/notify/console-notifier.js';
import { lazyPrometheus } from '#adapters/prometheus/lazy.js';
import { lazyTsdbAdmin } from '#adapters/prometheus/tsdb-admin.js';
import type { RemediationDeps } from '#app/remediate-notification.js';
import type { Clusters, Logger, Metrics } from '#domain/ports.js';
import type { Config } from './config.js';
import { functionCredentials } from './credentials.js';
import { createLogger, createMetrics } from './observability.js';
import { buildVerification } from './verify-wiring.js';

/** The composition root: the only place that builds clients. Called once per container. */
export const buildDependencies = (
  config: Config,
): RemediationDeps & { logger: ReturnType<typeof createLogger> } => {
  // The function role's credentials, from the environment on Lambda (the SDK's chain elsewhere, loaded lazily).
  const credentials = functionCredentials();
  const doc = new DocumentClient({
    region: config.region,
    endpoint: config.dynamodbEndpoint,
    credentials,
    // Fail fast and let Lambda's retry take over rather than burning the invocation on backoff.
    maxAttempts: 3,
  });
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  return {
    policies: new DynamoPolicyStore(
      doc,
      config.policyTable,
      { logger, metrics, now: Date.now },
      config.policyCacheSeconds,
    ),
    ledger: new DynamoLedger(doc, config.stateTable),
    clusters: buildClusters(config, doc, credentials, { logger, metrics }),
    // Slack/Jira/Grafana when configured (tokens from SSM, cached while warm); the console otherwise.
    notifier: buildNotifier(config.notify, {
      doc,
      stateTable: config.stateTable,
      fallback: new ConsoleNotifier(),
      credentials,
    }),
    metrics,
    logger,
    mode: config.mode,
    protectedNamespaces: config.protectedNamespaces,
    clusterBudget: config.clusterBudget,
    concurrency: config.concurrency,
    clock: () => new Date(),
    // The SDK modules load on the first user-defined action, never at cold start.
    actions: {
      aws: createAwsUserActions({ region: config.region, endpoint: config.actionsEndpoint }),
      // deleteSeries: the same per-cluster Prometheus resolution as analysis; built on first use.
      tsdb: lazyTsdbAdmin({
        region: config.region,
        ssmEndpoint: config.notify.ssmEndpoint,
        registry: new DynamoClusterRegistry(doc, config.policyTable, { logger, metrics, now: Date.now }),
        fallback: config.prometheus,
        credentials,
      }),
    },
    // Policy `analysis`: the cluster's registry entry names its Prometheus, else PROMETHEUS_URL; loads on first use.
    prometheus: lazyPrometheus({
      region: config.region,
      ssmEndpoint: config.notify.ssmEndpoint,
      registry: new DynamoClusterRegistry(doc, config.policyTable, { logger, metrics, now: Date.now }),
      fallback: config.prometheus,
      credentials,
    }),
    verification: buildVerification(config, doc, credentials),
  };
};

/**
 * A fixed connection when one is configured (a kubeconfig-style cluster), otherwise EKS through the clusters
 * registry. The STS client (cross-account roles) loads on first use, so an invocation that never assumes a role
 * does not pay for it at cold start; DescribeCluster goes through remedy's own signed client.
 */
const buildClusters = (
  config: Config,
  doc: DocumentClient,
  credentials: CredentialProvider,
  observe: { logger: Logger; metrics: Metrics },
): Clusters => {
  if (Object.keys(config.staticClusters).length > 0) return new StaticClusters(config.staticClusters);
  const tokens = new TokenCache({ now: () => new Date() });
  return new EksClusters({
    registry: new DynamoClusterRegistry(doc, config.policyTable, { ...observe, now: Date.now }),
    baseCredentials: credentials,
    roles: new AssumedRoleCache(async (roleArn, base) => {
      const { assumeRole } = await import('#adapters/eks/assume-role.js');
      return assumeRole(roleArn, base, {
        region: config.region,
        ...(config.stsEndpoint ? { endpoint: config.stsEndpoint } : {}),
      });
    }),
    describe: (name, region, credentials) => describeCluster(name, region, credentials, config.eksEndpoint),
    token: async (request) => tokens.get(request).token,
  });
};
