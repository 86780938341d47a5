// The local endpoint's answers to the calls remedy's user-defined actions make: SSM StartAutomationExecution
// (JSON 1.1), Step Functions StartExecution (JSON 1.0) and Lambda Invoke (REST-JSON). Each is validated and
// deduplicated as the real service does (ClientToken, execution name), and recorded with its exact body so
// tests can assert what reached AWS and which resource ARN an IAM policy must allow.
import { randomUUID } from 'node:crypto';
import type { AwsAuthFailure, AwsAuthSuccess } from './aws-auth.js';

export type ActionService = 'ssm' | 'states' | 'lambda';

/** Resources the endpoint knows; calls naming anything else get the service's not-found error. */
export interface LocalActionResources {
  /** SSM Automation documents by name, with the parameters each declares. */
  documents?: ReadonlyArray<{ name: string; parameters: readonly string[] }>;
  /** State machine ARNs. */
  stateMachines?: readonly string[];
  /** Lambda function names (in the endpoint's account and region). */
  functions?: readonly string[];
}

/** One user-action call, as received and answered. */
export interface ActionCall {
  service: ActionService;
  operation: string;
  status: number;
  errorCode?: string;
  accessKeyId?: string;
  /** The ARN an IAM policy must allow for this call. */
  resourceArn?: string;
  /** The JSON body (SSM, Step Functions), or the Lambda payload, parsed. */
  body: unknown;
  /** Lambda: the X-Amz-Invocation-Type header and the Qualifier query parameter. */
  invocationType?: string;
  qualifier?: string;
  /** What was answered: the execution id or ARN, or the error message. */
  answer: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  call: ActionCall;
}

/** Which action service a request is for, from X-Amz-Target (JSON protocols) or the path (Lambda). */
export function actionServiceOf(path: string, target: string | undefined): ActionService | undefined {
  if (target?.startsWith('AmazonSSM.')) return 'ssm';
  if (target?.startsWith('AWSStepFunctions.')) return 'states';
  if (/^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(path)) return 'lambda';
  return undefined;
}

const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;
const EXECUTION_NAME = /^[a-zA-Z0-9_-]{1,80}$/;

/** State the endpoint keeps between calls: what each token and execution name already started. */
export class ActionState {
  readonly automations = new Map<string, { request: string; id: string }>();
  readonly executions = new Map<string, { input: string; arn: string; startDate: number }>();
}

export interface ActionRequest {
  service: ActionService;
  method: string;
  url: string;
  path: string;
  target: string | undefined;
  invocationType: string | undefined;
  body: Buffer;
  auth: AwsAuthSuccess | AwsAuthFailure;
  claimedKey: string | undefined;
  requestId: string;
}

export interface ActionScope {
  region: string;
  accountId: string;
  resources: LocalActionResources;
  state: ActionState;
  now: Date;
}

/** Answers one user-action call. */
export function answerAction(request: ActionRequest, scope: ActionScope): Answer {
  const base = {
    service: request.service,
    ...(request.claimedKey === undefined ? {} : { accessKeyId: request.claimedKey }),
  };
  if (request.service === 'lambda') return answerLambda(request, scope, base);
  const operation = request.target?.split('.')[1] ?? '';
  let parsedBody: unknown;
  const json = (status: number, body: Record<string, unknown>, call: Partial<ActionCall>): Answer => ({
    status,
    headers: {
      'content-type': request.service === 'ssm' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
      'x-amzn-requestid': request.requestId,
    },
    body: JSON.stringify(body),
    call: { ...base, operation, status, body: parsedBody, answer: '', ...call },
  });
  const fail = (status: number, code: string, message: string, call: Partial<ActionCall> = {}) =>
    json(status, { __type: code, message }, { errorCode: code, answer: message, ...call });
  try {
    parsedBody = JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    return fail(400, 'SerializationException', 'Body is not JSON');
  }
  if (!request.auth.ok) return fail(request.auth.status, request.auth.code, request.auth.message);
  const body = (parsedBody ?? {}) as Record<string, unknown>;

  if (request.service === 'ssm') {
    if (operation !== 'StartAutomationExecution')
      return fail(400, 'UnknownOperationException', `Unknown operation ${operation}`);
    const name = String(body.DocumentName ?? '');
    const docName = name.startsWith('arn:') ? (name.split('document/')[1] ?? '') : name;
    const version = typeof body.DocumentVersion === 'string' ? body.DocumentVersion : '$DEFAULT';
    const resourceArn = `arn:aws:ssm:${scope.region}:${scope.accountId}:automation-definition/${docName}:${version}`;
    const doc = scope.resources.documents?.find((d) => d.name === docName);
    if (!doc)
      return fail(400, 'AutomationDefinitionNotFoundException', `Document ${name} does not exist`, {
        resourceArn,
      });
    const params = (body.Parameters ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(params)) {
      if (!doc.parameters.includes(key) || !Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        return fail(
          400,
          'InvalidAutomationExecutionParametersException',
          `Parameter "${key}" is not defined in document ${docName} or is not a list of strings`,
          { resourceArn },
        );
    }
    const token = body.ClientToken;
    if (token !== undefined && (typeof token !== 'string' || !UUID.test(token)))
      return fail(400, 'ValidationException', 'ClientToken must be a UUID', { resourceArn });
    const fingerprint = JSON.stringify([docName, version, params]);
    const key = typeof token === 'string' ? token.toLowerCase() : undefined;
    const seen = key === undefined ? undefined : scope.state.automations.get(key);
    if (seen && seen.request !== fingerprint)
      return fail(
        400,
        'IdempotentParameterMismatch',
        'Error returned when an idempotent operation is retried and the parameters do not match the original call',
        { resourceArn },
      );
    const id = seen?.id ?? randomUUID();
    if (key !== undefined) scope.state.automations.set(key, { request: fingerprint, id });
    return json(200, { AutomationExecutionId: id }, { resourceArn, answer: id });
  }

  if (operation !== 'StartExecution')
    return fail(400, 'UnknownOperationException', `Unknown operation ${operation}`);
  const machine = String(body.stateMachineArn ?? '');
  const resourceArn = machine;
  if (!scope.resources.stateMachines?.includes(machine))
    return fail(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${machine}'`, {
      resourceArn,
    });
  const name = typeof body.name === 'string' ? body.name : randomUUID();
  if (!EXECUTION_NAME.test(name)) return fail(400, 'InvalidName', `Invalid Name: '${name}'`, { resourceArn });
  const input = typeof body.input === 'string' ? body.input : '{}';
  try {
    JSON.parse(input);
  } catch {
    return fail(400, 'InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON', {
      resourceArn,
    });
  }
  const [prefix = '', machineName = ''] = machine.split(':stateMachine:');
  const arn = `${prefix}:execution:${machineName.split(':')[0]}:${name}`;
  const existing = scope.state.executions.get(arn);
  // Executions here never finish: the same name and input is the running execution, answered again.
  if (existing && existing.input !== input)
    return fail(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`, { resourceArn });
  const started = existing ?? { input, arn, startDate: scope.now.getTime() / 1000 };
  scope.state.executions.set(arn, started);
  return json(200, { executionArn: arn, startDate: started.startDate }, { resourceArn, answer: arn });
}

function answerLambda(
  request: ActionRequest,
  scope: ActionScope,
  base: { service: ActionService; accessKeyId?: string },
): Answer {
  const url = new URL(request.url, 'http://local');
  const raw = decodeURIComponent(request.path.split('/')[3] ?? '');
  // FunctionName may be a name, a full ARN or a partial ARN (account:function:name), with a qualifier.
  const parts = raw.split(':');
  const fnIndex = parts.indexOf('function');
  const name = fnIndex >= 0 ? (parts[fnIndex + 1] ?? '') : raw;
  const arnQualifier = fnIndex >= 0 ? parts[fnIndex + 2] : undefined;
  const qualifier = url.searchParams.get('Qualifier') ?? arnQualifier;
  const resourceArn = `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  const invocationType = request.invocationType ?? 'RequestResponse';
  let payload: unknown;
  const call = (status: number, answer: string, errorCode?: string): ActionCall => ({
    ...base,
    operation: 'Invoke',
    status,
    resourceArn,
    body: payload,
    invocationType,
    ...(qualifier === undefined ? {} : { qualifier }),
    ...(errorCode === undefined ? {} : { errorCode }),
    answer,
  });
  const fail = (status: number, code: string, message: string): Answer => ({
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': code,
      'x-amzn-requestid': request.requestId,
    },
    body: JSON.stringify({ Type: 'User', message }),
    call: call(status, message, code),
  });
  const text = request.body.toString('utf8');
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    return fail(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  if (!request.auth.ok) return fail(request.auth.status, request.auth.code, request.auth.message);
  if (request.method !== 'POST') return fail(405, 'UnknownOperationException', 'Invoke is POST');
  if (!scope.resources.functions?.includes(name))
    return fail(404, 'ResourceNotFoundException', `Function not found: ${resourceArn}`);
  const headers = { 'x-amzn-requestid': request.requestId, 'x-amz-executed-version': '$LATEST' };
  if (invocationType === 'Event') return { status: 202, headers, body: '', call: call(202, 'queued') };
  if (invocationType === 'DryRun') return { status: 204, headers, body: '', call: call(204, 'dry run') };
  return {
    status: 200,
    headers: { ...headers, 'content-type': 'application/json' },
    body: 'null',
    call: call(200, 'null'),
  };
}

/** What the endpoint hands over for a request that may be a user-action call. */
export interface ActionRouting {
  method: string;
  url: string;
  path: string;
  headers: import('node:http').IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
  /** Authenticates with the endpoint's credential store under the given signing name. */
  authenticate: (service: ActionService) => AwsAuthSuccess | AwsAuthFailure;
  claimedKey: string | undefined;
}

const headerOf = (headers: import('node:http').IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** What the example policies in infra/policies start, so they work against `npm start` as written. */
export const LOCAL_ACTION_RESOURCES: LocalActionResources = {
  documents: [{ name: 'remedy-clean-node-disk', parameters: ['NodeName', 'DecisionId'] }],
  stateMachines: ['arn:aws:states:us-east-1:123456789012:stateMachine:remedy-collect-pod-diagnostics'],
  functions: ['remedy-scale-queue-consumers'],
};

/**
 * Answers the request when it is a user-action call (recording it in `calls`), or `GET /_local/actions` (the
 * calls so far, for a human at the local stack); undefined otherwise.
 */
export function routeAction(
  routing: ActionRouting,
  scope: ActionScope,
  calls: ActionCall[],
): Pick<Answer, 'status' | 'headers' | 'body'> | undefined {
  if (routing.method === 'GET' && routing.path === '/_local/actions')
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls, null, 2),
    };
  const target = headerOf(routing.headers, 'x-amz-target');
  const service = actionServiceOf(routing.path, target);
  if (service === undefined) return undefined;
  const answer = answerAction(
    {
      service,
      method: routing.method,
      url: routing.url,
      path: routing.path,
      target,
      invocationType: headerOf(routing.headers, 'x-amz-invocation-type'),
      body: routing.body,
      auth: routing.authenticate(service),
      claimedKey: routing.claimedKey,
      requestId: routing.requestId,
    },
    scope,
  );
  calls.push(answer.call);
  return answer;
}
