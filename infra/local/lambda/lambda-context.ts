// The `context` object a Node.js Lambda handler receives, for local invocations.
import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** What identifies the function a context belongs to. */
export interface FunctionIdentity {
  /** Deployed name, e.g. "remedy-local-remediate". */
  functionName: string;
  region: string;
  accountId: string;
  memorySize: number;
  /** Seconds, as in serverless.yml. */
  timeout: number;
}

/** A Lambda `Context` for one invocation; the remaining time counts down from `startedAt` + timeout. */
export function lambdaContext(
  identity: FunctionIdentity,
  awsRequestId: string,
  startedAt: number,
  clock: () => number = Date.now,
): Context {
  const deadline = startedAt + identity.timeout * 1000;
  const day = new Date(startedAt).toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = (name: string) => () => {
    throw new Error(
      `context.${name}() is not supported by the local runtime: return or throw from an async handler`,
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: identity.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${identity.functionName}`,
    memoryLimitInMB: String(identity.memorySize),
    awsRequestId,
    logGroupName: `/aws/lambda/${identity.functionName}`,
    // Real stream names look like 2026/11/25/[$LATEST]<32 hex>.
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
