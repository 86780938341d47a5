// Lambda's asynchronous invocation, locally: run the handler; on an error (or timeout) retry up to
// maximumRetryAttempts times, then hand the on-failure destination record to `onFailure`.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type FunctionIdentity, lambdaContext } from './lambda-context.js';

/** Lambda waits 1 minute before the first retry and 2 minutes before the second. */
export const LAMBDA_RETRY_DELAYS_MS = [60_000, 120_000] as const;
/** Local default: the same order of events, without the wait. */
export const LOCAL_RETRY_DELAYS_MS = [100, 200] as const;

/** A Node.js Lambda handler (async style). */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The record Lambda sends to an on-failure destination (SQS, SNS, Lambda, EventBridge). */
export interface OnFailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string; trace?: string[] };
}

/** How to invoke one function asynchronously. */
export interface AsyncInvokeOptions extends FunctionIdentity {
  handler: LambdaHandler;
  /** 0-2, from serverless.yml. */
  maximumRetryAttempts: number;
  /** Seconds an event may wait for a retry (60-21600); a retry that would start later is dropped. */
  maximumEventAge: number;
  /** Waits before retry 1 and 2; default {@link LOCAL_RETRY_DELAYS_MS}. */
  retryDelaysMs?: readonly number[];
  onFailure?: (record: OnFailureRecord) => unknown;
  onSuccess?: (result: unknown, invokeCount: number) => unknown;
  clock?: () => number;
}

/** How an asynchronous invocation ended. */
export type AsyncInvokeOutcome =
  | { ok: true; result: unknown; invokeCount: number; awsRequestId: string }
  | { ok: false; record: OnFailureRecord };

/** Invokes a handler with Lambda's async semantics; resolves once it succeeded or the failure was handed on. */
export async function invokeAsync(event: unknown, options: AsyncInvokeOptions): Promise<AsyncInvokeOutcome> {
  const clock = options.clock ?? Date.now;
  const delays = options.retryDelaysMs ?? LOCAL_RETRY_DELAYS_MS;
  // The request id stays the same across retries, as in Lambda's async queue.
  const awsRequestId = randomUUID();
  const firstAttemptAt = clock();
  let invokeCount = 0;
  let failure: OnFailureRecord['responsePayload'] | undefined;
  let condition: OnFailureRecord['requestContext']['condition'] = 'RetriesExhausted';

  for (let attempt = 0; attempt <= options.maximumRetryAttempts; attempt++) {
    if (attempt > 0) {
      const delay = delays[attempt - 1] ?? delays.at(-1) ?? 0;
      if (clock() + delay - firstAttemptAt > options.maximumEventAge * 1000) {
        condition = 'EventAgeExceeded';
        break;
      }
      await sleep(delay);
    }
    invokeCount++;
    const outcome = await invokeOnce(event, options, awsRequestId, clock);
    if (outcome.ok) {
      await options.onSuccess?.(outcome.result, invokeCount);
      return { ok: true, result: outcome.result, invokeCount, awsRequestId };
    }
    failure = outcome.error;
  }

  const record: OnFailureRecord = {
    version: '1.0',
    timestamp: new Date(clock()).toISOString(),
    requestContext: {
      requestId: awsRequestId,
      functionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}:$LATEST`,
      condition,
      approximateInvokeCount: invokeCount,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: failure ?? { errorType: 'Unknown', errorMessage: 'no attempt was made' },
  };
  await options.onFailure?.(record);
  return { ok: false, record };
}

type AttemptOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: OnFailureRecord['responsePayload'] };

// One attempt with a fresh context; a handler still running at the timeout is abandoned (it cannot be killed
// in-process), as Lambda would report it: errorType Sandbox.Timedout.
async function invokeOnce(
  event: unknown,
  options: AsyncInvokeOptions,
  awsRequestId: string,
  clock: () => number,
): Promise<AttemptOutcome> {
  const context = lambdaContext(options, awsRequestId, clock(), clock);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${awsRequestId} Error: Task timed out after ${options.timeout.toFixed(2)} seconds`,
          },
        }),
      options.timeout * 1000,
    );
  });
  const run = (async (): Promise<AttemptOutcome> => {
    try {
      // A deep copy per attempt: a handler that mutates its event must not change what a retry sees.
      return { ok: true, result: await options.handler(structuredClone(event), context) };
    } catch (error) {
      return { ok: false, error: errorPayload(error) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `responsePayload` the Node.js runtime reports for a thrown value. */
export function errorPayload(error: unknown): OnFailureRecord['responsePayload'] {
  if (error instanceof Error) {
    const trace = (error.stack ?? '').split('\n').map((line) => line.trim());
    return { errorType: error.name, errorMessage: error.message, trace };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
