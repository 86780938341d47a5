import { describe, expect, it } from 'vitest';
import { executionArnOf, regionOf, toCallError } from '#adapters/aws-actions/aws-user-actions.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  });

describe('AWS errors of user actions', () => {
  it.each([
    ['AccessDeniedException', 400, false],
    ['ResourceNotFoundException', 404, false],
    ['StateMachineDoesNotExist', 400, false],
    ['InvalidAutomationExecutionParametersException', 400, false],
    ['ThrottlingException', 400, true],
    ['TooManyRequestsException', 429, true],
    ['ServiceException', 500, true],
    ['TimeoutError', undefined, true],
  ] as const)('%s (HTTP %s) is retryable: %s', (name, status, retryable) => {
    const error = toCallError('states:StartExecution x', sdkError(name, status));
    expect(error).toMatchObject({ retryable, awsCode: name });
    expect(error.message).toContain(`states:StartExecution x: ${name}`);
  });

  it('runs a call in the region its ARN names, a plain name in the function’s region', () => {
    expect(regionOf('arn:aws:states:eu-west-1:123456789012:stateMachine:s', 'us-east-1')).toBe('eu-west-1');
    expect(regionOf('my-function', 'us-east-1')).toBe('us-east-1');
  });

  it('derives the execution ARN from the state machine (alias dropped) and the name', () => {
    expect(executionArnOf('arn:aws:states:eu-west-1:123456789012:stateMachine:s:prod', 'n')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:s:n',
    );
  });
});
