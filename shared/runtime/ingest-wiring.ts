import { ssmParameterReader } from '#adapters/notify/ssm-secrets.js';
import { snsAlertsPublisher } from '#adapters/sns/alerts-publisher.js';
import type { IngestDeps } from '#app/ingest.js';
import { IngestToken } from '#app/ingest-auth.js';
import type { IngestConfig } from './config.js';
import { functionCredentials } from './credentials.js';
import { createLogger, createMetrics } from './observability.js';

/**
 * The ingest function's composition root, apart from wiring.ts so its bundle carries no DynamoDB, EKS or
 * Kubernetes code (a lean cold start for a function Alertmanager waits on).
 */
export const buildIngestDependencies = (
  config: IngestConfig,
): IngestDeps & { logger: ReturnType<typeof createLogger> } => {
  const read = ssmParameterReader({
    region: config.region,
    ...(config.ssmEndpoint ? { endpoint: config.ssmEndpoint } : {}),
    credentials: functionCredentials(),
  });
  const token = new IngestToken(async () => {
    const values = await read([config.tokenParameter]);
    return values[config.tokenParameter] ?? '';
  });
  return {
    token: () => token.get(),
    refreshToken: () => token.refresh(),
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
