import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { remediateNotification, type Summary } from '#app/remediate-notification.js';
import { loadConfig } from '#runtime/config.js';
import { buildDependencies } from '#runtime/wiring.js';

// Built once per container, reused while warm.
const deps = buildDependencies(loadConfig());
deps.logger.info(`remedy remediate starting in ${deps.mode} mode`, { mode: deps.mode });

/** SNS → one Alertmanager notification per record → decisions, actions, audit. */
const lambdaHandler = async (
  event: SNSEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
): Promise<Summary[]> => {
  const logger = deps.logger.withKeys({ requestId: context.awsRequestId });
  const summaries: Summary[] = [];
  // SNS delivers one record per invocation; loop anyway so the contract is explicit.
  for (const record of event.Records) {
    summaries.push(
      await remediateNotification(
        record.Sns,
        { ...deps, logger },
        { requestId: context.awsRequestId, signal },
      ),
    );
  }
  const retry = summaries.filter((s) => s.retryable).length;
  if (retry > 0) {
    // Claims of the failed actions were released; throwing hands the event to Lambda's async retry (then the
    // on-failure destination). Alerts that already succeeded are claimed and will not act twice.
    throw new Error(`${retry} notification(s) had actions that failed transiently; retrying`);
  }
  return summaries;
};

export const handler = middy<SNSEvent, Summary[]>().handler(lambdaHandler);
