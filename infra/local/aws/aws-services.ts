// What the local AWS endpoint answers once a request is read and authenticated: an EKS (REST-JSON) or STS
// (query protocol) response, and the record of the call.
import type { AwsAuthFailure, AwsAuthSuccess } from './aws-auth.js';
import type { AssumableRole, CallerIdentity, CredentialStore } from './credential-store.js';
import {
  type ClusterScope,
  describeClusterBody,
  eksAuthError,
  eksError,
  eksOk,
  eksRoute,
  type LocalCluster,
} from './eks-api.js';
import { runStsAction } from './sts-actions.js';
import { formParameters, stsFailure, stsSenderError, stsSuccess } from './sts-protocol.js';

/** One request the endpoint answered, accepted or not. */
export interface AwsCall {
  service: 'eks' | 'sts' | 'aps' | 'unknown';
  action: string | undefined;
  status: number;
  /** The error code answered, for refused calls. */
  errorCode?: string;
  /** The key that signed the call (or claimed to, for refused calls). */
  accessKeyId?: string;
  presigned?: boolean;
  clusterName?: string;
  /** Amazon Managed Prometheus workspace of an `aps` call. */
  workspaceId?: string;
  roleArn?: string;
  roleSessionName?: string;
  at: Date;
}

/** A request, read and authenticated. */
export interface ServiceRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  path: string;
  body: Buffer;
  /** The caller asked for JSON (`Accept: application/json`); STS only. */
  json: boolean;
  requestId: string;
  auth: AwsAuthSuccess | AwsAuthFailure;
  /** The access key id the request names, whether or not it authenticated. */
  claimedKey: string | undefined;
  /** Signed in the query rather than an Authorization header. */
  presigned: boolean;
}

/** A response to send, and what to record. */
export interface ServiceAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  call: Omit<AwsCall, 'service' | 'at'>;
}

/** EKS: DescribeCluster, or the REST-JSON error. */
export function answerEks(
  request: ServiceRequest,
  clusters: ReadonlyMap<string, LocalCluster>,
  scope: ClusterScope,
): ServiceAnswer {
  const { auth, requestId } = request;
  const route = eksRoute(request.method, request.path);
  const fields = {
    action: route?.action,
    ...(route ? { clusterName: route.name } : {}),
    ...(request.claimedKey === undefined ? {} : { accessKeyId: request.claimedKey }),
    presigned: request.presigned,
  };
  const cluster = route === undefined ? undefined : clusters.get(route.name);
  const reply = !auth.ok
    ? eksAuthError(auth, requestId)
    : route === undefined
      ? eksError(
          'UnknownOperationException',
          `No operation at ${request.method} ${request.path}`,
          404,
          requestId,
        )
      : cluster === undefined
        ? eksError('ResourceNotFoundException', `No cluster found for name: ${route.name}.`, 404, requestId, {
            clusterName: route.name,
          })
        : eksOk(describeClusterBody(cluster, scope), requestId);
  const errorCode = reply.headers['x-amzn-errortype'];
  return { ...reply, call: { ...fields, status: reply.status, ...(errorCode ? { errorCode } : {}) } };
}

/** What STS actions need from the endpoint. */
export interface StsState {
  store: CredentialStore;
  roles: ReadonlyMap<string, AssumableRole>;
  accountId: string;
  now: Date;
}

/** STS: POST form (the SDK) or GET with the parameters in the query (presigned URLs). */
export function answerSts(request: ServiceRequest, state: StsState): ServiceAnswer {
  const { auth, json, requestId } = request;
  const params = formParameters(request.url, request.method === 'POST' ? request.body.toString('utf8') : '');
  const fields = {
    action: params.get('Action'),
    ...(params.has('RoleArn') ? { roleArn: params.get('RoleArn') ?? '' } : {}),
    ...(params.has('RoleSessionName') ? { roleSessionName: params.get('RoleSessionName') ?? '' } : {}),
    ...(request.claimedKey === undefined ? {} : { accessKeyId: request.claimedKey }),
    presigned: request.presigned,
  };
  const answer = (reply: ReturnType<typeof stsFailure>, errorCode?: string): ServiceAnswer => ({
    status: reply.status,
    headers: { 'content-type': reply.contentType, 'x-amzn-requestid': requestId },
    body: reply.body,
    call: { ...fields, status: reply.status, ...(errorCode === undefined ? {} : { errorCode }) },
  });
  if (request.method !== 'POST' && request.method !== 'GET') {
    const error = stsSenderError('InvalidAction', `Unsupported method ${request.method}`, 405);
    return answer(stsFailure(error, json, requestId), error.code);
  }
  if (!auth.ok) return answer(stsFailure({ ...auth, type: 'Sender' }, json, requestId), auth.code);
  const caller: CallerIdentity = auth.identity ?? {
    userId: auth.accessKeyId,
    account: state.accountId,
    arn: `arn:aws:iam::${state.accountId}:user/${auth.accessKeyId}`,
  };
  const outcome = runStsAction(params, { store: state.store, roles: state.roles, caller, now: state.now });
  return outcome.ok
    ? answer(stsSuccess(outcome.action, outcome.result, json, requestId))
    : answer(stsFailure(outcome.error, json, requestId), outcome.error.code);
}
