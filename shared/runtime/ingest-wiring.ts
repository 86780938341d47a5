import { CachedSecrets, ssmParameterReader } from '#adapters/notify/ssm-secrets.js';
import { snsAlertsPublisher } from '#adapters/sns/alerts-publisher.js';
import type { IngestDeps } from '#app/ingest.js';
import type { IngestConfig } from './config.js';
import { createLogger, createMetrics } from './observability.js';

/**
 * The ingest function's composition root, apart from wiring.ts so its bundle carries no DynamoDB, EKS or
 * Kubernetes code (a lean cold start for a function Alertmanager waits on).
 */
export const buildIngestDependencies = (
  config: IngestConfig,
): IngestDeps & { logger: ReturnType<typeof createLogger> } => {
  const secrets = new CachedSecrets(
    ssmParameterReader({
      region: config.region,
      ...(config.ssmEndpoint ? { endpoint: config.ssmEndpoint } : {}),
    }),
  );
  return {
    token: secrets.provider(config.tokenParameter),
    publish: snsAlertsPublisher({
      topicArn: config.topicArn,
      region: config.region,
      endpoint: config.snsEndpoint,
    }),
    maxBodyBytes: config.maxBodyBytes,
    logger: createLogger(config.logLevel),
    metrics: createMetrics(),
  };
};
