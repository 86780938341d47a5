import { createHash } from 'node:crypto';
import type { Plan } from '#domain/actions/plan.js';
import { type DecisionIds, userActionPayload } from '#domain/actions/user/payload.js';
import {
  type AlertContext,
  type UserActionBackends,
  UserActionCallError,
} from '#domain/actions/user/port.js';
import { renderParameters } from '#domain/actions/user/render.js';
import type { ExecutionResult } from './result.js';

type UserPlan = Extract<Plan, { action: 'startAutomation' | 'startExecution' | 'invokeFunction' }>;

/** Audit codes of user actions that did not start. */
export const UserActionCode = {
  /** failed, final: a placeholder's label is missing or not a safe value. */
  InvalidParameter: 'invalid-parameter',
  /** failed, final: AWS refused the call (denied, not found, invalid); the message names the AWS code. */
  AwsRefused: 'aws-refused',
  /** failed, final: remedy was built without the AWS clients (a wiring error). */
  NotConfigured: 'not-configured',
} as const;

/**
 * The identifiers of a decision, from the alert episode and the policy: a Lambda retry, a redelivery or a
 * second Alertmanager replica that reaches the action again derives the same ones, so AWS dedupes the start.
 */
export const decisionIds = (alert: Pick<AlertContext, 'episode' | 'policy'>): DecisionIds => {
  const hex = createHash('sha256').update(`remedy|${alert.episode}|${alert.policy}`).digest('hex');
  // A name-based UUID (version 5 layout), as SSM's ClientToken pattern wants.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { decisionId: hex.slice(0, 32), idempotencyToken: uuid };
};

/** The Step Functions execution name: readable, at most 80 characters, the same for every retry. */
export const executionName = (policy: string, ids: DecisionIds): string =>
  `${policy.slice(0, 40)}-${ids.decisionId}`;

/**
 * Hands the alert to the user's code. A refusal AWS will repeat (denied, not found, invalid) is a final
 * failure; throttling, 5xx and network errors are thrown so the use case releases the claim and Lambda retries
 * with the same token.
 */
export const executeUserAction = async (
  plan: UserPlan,
  backends: UserActionBackends | undefined,
  alert: AlertContext | undefined,
  signal?: AbortSignal,
): Promise<ExecutionResult> => {
  if (!backends || !alert) {
    const reason = `cannot ${plan.action}: remedy was started without the AWS clients or the alert context`;
    return { outcome: 'failed', code: UserActionCode.NotConfigured, reason };
  }
  const ids = decisionIds(alert);
  const payload = userActionPayload(alert, plan.target, ids);
  const details = { decisionId: ids.decisionId, idempotencyToken: ids.idempotencyToken };
  try {
    switch (plan.action) {
      case 'startAutomation': {
        const parameters = renderParameters(plan.parameters, {
          labels: alert.labels,
          target: plan.target,
          alertname: alert.alertname,
          policy: alert.policy,
          decisionId: ids.decisionId,
          context: JSON.stringify(payload),
        });
        if (!parameters.ok) {
          const reason = `runbook ${plan.documentName} not started: ${parameters.reason}`;
          return { outcome: 'failed', code: UserActionCode.InvalidParameter, reason, details };
        }
        const { automationExecutionId } = await backends.startAutomation(
          {
            documentName: plan.documentName,
            ...(plan.documentVersion === undefined ? {} : { documentVersion: plan.documentVersion }),
            parameters: parameters.value,
            clientToken: ids.idempotencyToken,
          },
          signal,
        );
        return {
          outcome: 'acted',
          code: 'startAutomation',
          reason: `started SSM Automation runbook ${plan.documentName}: execution ${automationExecutionId}`,
          details: { ...details, automationExecutionId },
        };
      }
      case 'startExecution': {
        const name = executionName(alert.policy, ids);
        const started = await backends.startExecution(
          { stateMachineArn: plan.stateMachineArn, name, input: JSON.stringify(payload) },
          signal,
        );
        const again = started.alreadyStarted ? ' (already started for this alert episode)' : '';
        return {
          outcome: 'acted',
          code: 'startExecution',
          reason: `started Step Functions execution ${started.executionArn}${again}`,
          details: { ...details, executionArn: started.executionArn, alreadyStarted: started.alreadyStarted },
        };
      }
      case 'invokeFunction': {
        const { statusCode } = await backends.invokeFunction(
          {
            functionName: plan.functionName,
            ...(plan.qualifier === undefined ? {} : { qualifier: plan.qualifier }),
            payload: JSON.stringify(payload),
          },
          signal,
        );
        const fn = `${plan.functionName}${plan.qualifier === undefined ? '' : `:${plan.qualifier}`}`;
        return {
          outcome: 'acted',
          code: 'invokeFunction',
          reason: `queued Lambda function ${fn} (asynchronous invoke, status ${statusCode}); idempotency token ${ids.idempotencyToken}`,
          details: { ...details, statusCode },
        };
      }
    }
  } catch (error) {
    if (error instanceof UserActionCallError && !error.retryable) {
      return {
        outcome: 'failed',
        code: UserActionCode.AwsRefused,
        reason: `${plan.action} refused by AWS: ${error.message}`,
        details: { ...details, awsCode: error.awsCode },
      };
    }
    throw error;
  }
};
