import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ingestWebhook } from '#app/ingest.js';
import { loadIngestConfig } from '#runtime/config.js';
import { buildIngestDependencies } from '#runtime/ingest-wiring.js';

// Built once per container, reused while warm (the token is cached for 5 minutes).
const deps = buildIngestDependencies(loadIngestConfig());

/** Lambda Function URL (payload 2.0) → Alertmanager webhook → the alerts topic. */
const lambdaHandler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const logger = deps.logger.withKeys({ requestId: context.awsRequestId });
  return ingestWebhook(
    {
      method: event.requestContext.http.method,
      // Function URLs lower-case header names already.
      headers: event.headers ?? {},
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      sourceIp: event.requestContext.http.sourceIp,
      userAgent: event.requestContext.http.userAgent,
    },
    { ...deps, logger },
  );
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(
  lambdaHandler,
);
