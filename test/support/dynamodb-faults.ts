import { type DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';

/**
 * A fault layer for faults DynamoDB Local cannot produce (throttling): a middleware below the SDK's retry step
 * that throws ProvisionedThroughputExceededException for the next `times` calls of an operation, so the real
 * SDK retry logic and remedy's handling are both exercised. Everything else reaches DynamoDB Local.
 */
export const addThrottling = (client: DynamoDBClient) => {
  const armed = new Map<string, number>();
  let thrown = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName ?? '');
      const left = armed.get(op) ?? 0;
      if (left > 0) {
        armed.set(op, left - 1);
        thrown++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    // Below the retry middleware (finalizeRequest), so every attempt passes through the fault.
    { step: 'deserialize', name: 'remedyTestThrottling' },
  );
  return {
    /** Throttle the next `times` calls of a command (e.g. 'TransactWriteItemsCommand'). */
    throttle: (commandName: string, times: number) => armed.set(commandName, times),
    clear: () => armed.clear(),
    get thrown() {
      return thrown;
    },
  };
};
