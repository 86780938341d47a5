import type { UserActionBackends } from '#domain/actions/user/port.js';
import { UserActionCallError } from '#domain/actions/user/port.js';

/** How the clients reach AWS: the function's region, and an endpoint override (the local stack). */
export interface AwsActionsOptions {
  region: string;
  endpoint?: string | undefined;
  /** Credentials for the local endpoint; default the SDK's chain (the Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The region an ARN names (`arn:aws:states:eu-west-1:…`); a plain name runs in the function's region. */
export const regionOf = (nameOrArn: string, fallback: string): string =>
  nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[3] ?? fallback) : fallback;

/** Error names AWS uses for "slow down" or "try later"; anything else below 500 will fail the same way again. */
const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'TooManyUpdates',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalServerException',
  'EC2ThrottledException',
  'ResourceConflictException',
  'TimeoutError',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps an SDK error to the port's error: final (denied, missing, invalid) or worth Lambda's retry. */
export const toCallError = (what: string, error: unknown): UserActionCallError => {
  const e = (error ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const retryable = status === undefined || status >= 500 || status === 429 || TRANSIENT.has(name);
  const message = `${what}: ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${e.message ?? String(error)}`;
  return new UserActionCallError(message, { retryable, awsCode: name, cause: error });
};

/** A lazily built client per region: the SDK module itself is imported on first use (cold start). */
const perRegion = <C>(build: (region: string) => Promise<C>) => {
  const clients = new Map<string, Promise<C>>();
  return (region: string): Promise<C> => {
    let client = clients.get(region);
    if (!client) {
      client = build(region);
      // A failed import must not be cached forever.
      client.catch(() => clients.delete(region));
      clients.set(region, client);
    }
    return client;
  };
};

/**
 * SSM Automation, Step Functions and Lambda through the AWS SDK v3 (provided by the Lambda runtime). Each
 * client retries once itself (same idempotency token); beyond that, Lambda's retry does.
 */
export const createAwsUserActions = (options: AwsActionsOptions): UserActionBackends => {
  const common = (region: string) => ({
    region,
    maxAttempts: 2,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const ssm = perRegion(async (region) => {
    const sdk = await import('@aws-sdk/client-ssm');
    return { sdk, client: new sdk.SSMClient(common(region)) };
  });
  const sfn = perRegion(async (region) => {
    const sdk = await import('@aws-sdk/client-sfn');
    return { sdk, client: new sdk.SFNClient(common(region)) };
  });
  const lambda = perRegion(async (region) => {
    const sdk = await import('@aws-sdk/client-lambda');
    return { sdk, client: new sdk.LambdaClient(common(region)) };
  });

  return {
    async startAutomation(input, signal) {
      const { sdk, client } = await ssm(regionOf(input.documentName, options.region));
      try {
        const out = await client.send(
          new sdk.StartAutomationExecutionCommand({
            DocumentName: input.documentName,
            ...(input.documentVersion === undefined ? {} : { DocumentVersion: input.documentVersion }),
            Parameters: input.parameters,
            ClientToken: input.clientToken,
          }),
          signal ? { abortSignal: signal } : {},
        );
        return { automationExecutionId: out.AutomationExecutionId ?? 'unknown' };
      } catch (error) {
        throw toCallError(`ssm:StartAutomationExecution ${input.documentName}`, error);
      }
    },

    async startExecution(input, signal) {
      const { sdk, client } = await sfn(regionOf(input.stateMachineArn, options.region));
      try {
        const out = await client.send(
          new sdk.StartExecutionCommand({
            stateMachineArn: input.stateMachineArn,
            name: input.name,
            input: input.input,
          }),
          signal ? { abortSignal: signal } : {},
        );
        return { executionArn: out.executionArn ?? 'unknown', alreadyStarted: false };
      } catch (error) {
        // The name is derived from the episode and the input holds no clock, so a taken name means this
        // episode's execution exists already (closed, or started by an earlier attempt): nothing to start.
        if ((error as SdkErrorShape).name === 'ExecutionAlreadyExists') {
          return { executionArn: executionArnOf(input.stateMachineArn, input.name), alreadyStarted: true };
        }
        throw toCallError(`states:StartExecution ${input.stateMachineArn}`, error);
      }
    },

    async invokeFunction(input, signal) {
      const { sdk, client } = await lambda(regionOf(input.functionName, options.region));
      try {
        const out = await client.send(
          new sdk.InvokeCommand({
            FunctionName: input.functionName,
            ...(input.qualifier === undefined ? {} : { Qualifier: input.qualifier }),
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(input.payload),
          }),
          signal ? { abortSignal: signal } : {},
        );
        return { statusCode: out.StatusCode ?? 202 };
      } catch (error) {
        throw toCallError(`lambda:InvokeFunction ${input.functionName}`, error);
      }
    },
  };
};

/** `arn:aws:states:r:a:stateMachine:sm[:alias]` + name → `arn:aws:states:r:a:execution:sm:name`. */
export const executionArnOf = (stateMachineArn: string, name: string): string => {
  const [prefix = '', machine = ''] = stateMachineArn.split(':stateMachine:');
  return `${prefix}:execution:${machine.split(':')[0]}:${name}`;
};
