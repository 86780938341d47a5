import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import type { CredentialProvider } from '#adapters/eks/credentials.js';
import { SqsFollowupQueue } from '#adapters/sqs/followup-queue.js';
import type { VerificationDeps } from '#app/verify-after-action.js';
import type { Config } from './config.js';

/** The verification store and, when FOLLOWUP_QUEUE_URL is set, the delayed followup queue. */
export const buildVerification = (
  config: Config,
  doc: DocumentClient,
  credentials: CredentialProvider,
): VerificationDeps => ({
  store: new DynamoOutcomes(doc, config.stateTable),
  scheduler: config.followup.queueUrl
    ? new SqsFollowupQueue({
        queueUrl: config.followup.queueUrl,
        region: config.region,
        endpoint: config.followup.endpoint,
        credentials,
      })
    : undefined,
  delayScale: config.followup.delayScale,
});
