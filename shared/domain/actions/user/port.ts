import { ErrorCode, RemedyError } from '../../errors.js';

/**
 * The AWS calls user-defined actions make, as a port: the adapters (shared/adapters/aws-actions) load their
 * SDK clients on first use. Every call carries an idempotency token derived from the alert episode, so a
 * Lambda retry after a lost answer starts nothing twice.
 */
export interface UserActionBackends {
  /** SSM StartAutomationExecution; the same ClientToken and parameters answer the same execution. */
  startAutomation(
    input: {
      documentName: string;
      documentVersion?: string;
      parameters: Record<string, string[]>;
      clientToken: string;
    },
    signal?: AbortSignal,
  ): Promise<{ automationExecutionId: string }>;
  /** Step Functions StartExecution; `name` is unique per state machine for 90 days. */
  startExecution(
    input: { stateMachineArn: string; name: string; input: string },
    signal?: AbortSignal,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Lambda Invoke with InvocationType Event: queued, not awaited. */
  invokeFunction(
    input: { functionName: string; qualifier?: string; payload: string },
    signal?: AbortSignal,
  ): Promise<{ statusCode: number }>;
}

/**
 * An AWS call that failed. `retryable`: throttling, 5xx or a network error, where Lambda's retry (same token)
 * may succeed; otherwise (denied, not found, invalid) the failure is final and recorded as such.
 */
export class UserActionCallError extends RemedyError {
  readonly retryable: boolean;
  readonly awsCode: string;
  constructor(message: string, opts: { retryable: boolean; awsCode: string; cause?: unknown }) {
    super(ErrorCode.UserAction, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserActionCallError';
    this.retryable = opts.retryable;
    this.awsCode = opts.awsCode;
  }
}

/** What remedy knows about the alert when it hands it to user code: all of it is deterministic per episode. */
export interface AlertContext {
  alertname: string;
  fingerprint: string;
  startsAt: string;
  /** fingerprint + startsAt: the idempotency key of everything remedy does for this alert. */
  episode: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  generatorURL: string;
  policy: string;
}
