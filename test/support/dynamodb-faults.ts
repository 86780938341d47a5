import { type DynamoDbProxy, startDynamoDbProxy } from './dynamodb-proxy.js';

/**
 * Faults DynamoDB Local cannot produce (throttling), injected on the wire: a proxy that answers the next `times`
 * calls of an operation with DynamoDB's own ProvisionedThroughputExceededException (HTTP 400), so remedy's
 * client retries them exactly as it would against AWS. Everything else reaches DynamoDB Local.
 */
export const startThrottling = async (
  endpoint: string,
): Promise<
  DynamoDbProxy & {
    throttle(operation: string, times: number): void;
    clear(): void;
    readonly thrown: number;
  }
> => {
  const armed = new Map<string, number>();
  let thrown = 0;
  const proxy = await startDynamoDbProxy(endpoint, (op) => {
    const left = armed.get(op) ?? 0;
    if (left <= 0) return undefined;
    armed.set(op, left - 1);
    thrown++;
    return {
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
      },
    };
  });
  return {
    ...proxy,
    /** Throttle the next `times` calls of an operation (e.g. 'TransactWriteItems'). */
    throttle: (operation, times) => armed.set(operation, times),
    clear: () => armed.clear(),
    get thrown() {
      return thrown;
    },
  };
};
