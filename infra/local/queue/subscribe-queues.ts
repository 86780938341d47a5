// Wires serverless.yml's SQS-triggered functions to the local queue: each batch becomes a synchronous
// invocation of the handler loaded from source (as Lambda's event source mapping does), with a fresh context
// and the function's timeout.
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import type { LambdaHandler } from '../lambda/invoke-async.js';
import { lambdaContext } from '../lambda/lambda-context.js';
import { loadHandler } from '../lambda/load-handler.js';
import type { SqsConsumerWiring } from '../serverless-wiring.js';
import type { SqsEndpoint } from './sqs-endpoint.js';

export interface SubscribeQueuesOptions {
  root: string;
  loadHandler?: (handler: SqsConsumerWiring['handler']) => Promise<LambdaHandler>;
}

/** Starts each wired function consuming its queue on the endpoint. */
export async function subscribeQueues(
  endpoint: SqsEndpoint,
  wiring: readonly SqsConsumerWiring[],
  options: SubscribeQueuesOptions,
): Promise<void> {
  const load = options.loadHandler ?? ((handler) => loadHandler(options.root, handler));
  for (const fn of wiring) {
    const handler = await load(fn.handler);
    const identity = {
      functionName: fn.lambdaName,
      region: endpoint.region,
      accountId: endpoint.accountId,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
    };
    endpoint.consume(fn.queue, {
      batchSize: fn.batchSize,
      reportBatchItemFailures: fn.reportBatchItemFailures,
      invoke: (event: SQSEvent) => invokeSync(handler, event, identity),
    });
  }
}

const invokeSync = async (
  handler: LambdaHandler,
  event: SQSEvent,
  identity: Parameters<typeof lambdaContext>[0],
): Promise<unknown> => {
  const context = lambdaContext(identity, randomUUID(), Date.now(), Date.now);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${identity.timeout.toFixed(2)} seconds`)),
      identity.timeout * 1000,
    );
  });
  try {
    return await Promise.race([handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
