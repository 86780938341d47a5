// Subscribes serverless.yml's SNS-triggered functions to the local SNS endpoint: each delivery becomes an
// asynchronous invocation of the handler loaded from source, with the function's retry settings.
import type { SnsSubscriptionWiring } from '../serverless-wiring.js';
import type { SnsEndpoint } from '../sns/sns-endpoint.js';
import { type AsyncInvokeOptions, invokeAsync, type LambdaHandler } from './invoke-async.js';
import { loadHandler } from './load-handler.js';

/** Options shared by every subscribed function. */
export interface SubscribeFunctionsOptions {
  /** Project root that handler paths are relative to. */
  root: string;
  /** Overrides loading from source (tests). */
  loadHandler?: (handler: SnsSubscriptionWiring['handler']) => Promise<LambdaHandler>;
  retryDelaysMs?: readonly number[];
  onFailure?: AsyncInvokeOptions['onFailure'];
}

/** Subscribes each wired function to its topic on the endpoint; returns the subscription ARNs. */
export async function subscribeFunctions(
  endpoint: SnsEndpoint,
  wiring: readonly SnsSubscriptionWiring[],
  options: SubscribeFunctionsOptions,
): Promise<string[]> {
  const load = options.loadHandler ?? ((handler) => loadHandler(options.root, handler));
  const arns: string[] = [];
  for (const fn of wiring) {
    const invokeOptions: AsyncInvokeOptions = {
      functionName: fn.lambdaName,
      region: endpoint.region,
      accountId: endpoint.accountId,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      handler: await load(fn.handler),
      maximumRetryAttempts: fn.maximumRetryAttempts,
      maximumEventAge: fn.maximumEventAge,
    };
    if (options.retryDelaysMs) invokeOptions.retryDelaysMs = options.retryDelaysMs;
    if (options.onFailure) invokeOptions.onFailure = options.onFailure;
    const subscription = {
      topicArn: endpoint.topicArn(fn.topicName),
      filterPolicyScope: fn.filterPolicyScope,
      deliver: (event: unknown) => invokeAsync(event, invokeOptions),
    };
    arns.push(
      endpoint.subscribe(fn.filterPolicy ? { ...subscription, filterPolicy: fn.filterPolicy } : subscription),
    );
  }
  return arns;
}
