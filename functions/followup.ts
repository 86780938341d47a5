import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type FollowupDeps, followUp } from '#app/followup.js';
import { loadConfig } from '#runtime/config.js';
import { buildDependencies } from '#runtime/wiring.js';

// Built once per container, reused while warm.
const config = loadConfig();
const base = buildDependencies(config);
const { verification } = base;
if (!verification?.scheduler)
  throw new Error('followup needs FOLLOWUP_QUEUE_URL (long waits are re-sent to it)');
const deps: FollowupDeps = {
  store: verification.store,
  scheduler: verification.scheduler,
  clusters: base.clusters,
  prometheus: base.prometheus,
  notifier: base.notifier,
  ledger: base.ledger,
  metrics: base.metrics,
  logger: base.logger,
  clock: base.clock,
};

/** One check can take a Prometheus query (10 s timeout) plus Slack and Jira calls. */
const MIN_REMAINING_MS = 20_000;

/**
 * SQS (delayed followups) → verify each action → verdict, thread, ticket, quarantine. Messages are independent:
 * one that fails (DynamoDB unavailable…) is reported in batchItemFailures and redelivered by SQS after its
 * visibility timeout, while the others are deleted. A malformed message is dead-lettered and not retried.
 */
const lambdaHandler = async (
  event: SQSEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
): Promise<SQSBatchResponse> => {
  const logger = base.logger.withKeys({ requestId: context.awsRequestId });
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    // Near the timeout, hand the rest back to SQS rather than be cut off mid-batch (which fails every message).
    if (context.getRemainingTimeInMillis() < MIN_REMAINING_MS) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const result = await followUp(record.body, record.messageId, { ...deps, logger }, signal);
      logger.info(`followup ${record.messageId}: ${result.kind}`, { result });
    } catch (error) {
      logger.error('followup failed; SQS will redeliver it', {
        messageId: record.messageId,
        error: (error as Error).message,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(lambdaHandler);
