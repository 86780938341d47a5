import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { StaticClusters } from '#adapters/kubernetes/static-clusters.js';
import { ConsoleNotifier } from '#adapters/notify/console-notifier.js';
import type { RemediationDeps } from '#app/remediate-notification.js';
import type { Config } from './config.js';
import { createLogger, createMetrics } from './observability.js';

/** The composition root: the only place that builds clients. Called once per container. */
export const buildDependencies = (
  config: Config,
): RemediationDeps & { logger: ReturnType<typeof createLogger> } => {
  const dynamo = new DynamoDBClient({
    region: config.region,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    // Fail fast and let Lambda's retry take over rather than burning the invocation on SDK backoff.
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
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
    clusters: new StaticClusters(config.staticClusters),
    notifier: new ConsoleNotifier(),
    metrics,
    logger,
    mode: config.mode,
    protectedNamespaces: config.protectedNamespaces,
    clock: () => new Date(),
  };
};
