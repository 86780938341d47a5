// A local AWS endpoint for the two services remedy calls on its way to a cluster: EKS (REST-JSON,
// `GET /clusters/{name}`) and STS (query protocol, `POST /` form or a presigned `GET /?Action=…`). The real
// SDK clients reach it through `endpoint` configuration alone; every call is SigV4-verified against the base
// credentials and the temporary ones its AssumeRole issued.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from '../http-util.js';
import { type ActionCall, ActionState, type LocalActionResources, routeAction } from './action-services.js';
import { APS_SIGNING_NAME, answerAps, apsRoute } from './aps-api.js';
import { accessKeyIdOf, authenticateAwsRequest, isPresigned } from './aws-auth.js';
import {
  type AwsCall,
  answerEks,
  answerSts,
  type ServiceAnswer,
  type ServiceRequest,
} from './aws-services.js';
import {
  type AssumableRole,
  CredentialStore,
  type IdentityLookup,
  type IssuedCredentials,
} from './credential-store.js';
import { eksError, type LocalCluster } from './eks-api.js';
import { type AwsCredentials, LOCAL_ACCOUNT_ID } from './local-account.js';
import { header } from './sigv4-request.js';
import { wantsJson } from './sts-protocol.js';

export type { ActionCall, LocalActionResources } from './action-services.js';
export type { AwsCall } from './aws-services.js';
export type { AssumableRole, CallerIdentity, IdentityLookup, IssuedCredentials } from './credential-store.js';
export type { EksClusterStatus, LocalCluster } from './eks-api.js';

/** STS and EKS bodies are small; anything this large is refused before parsing. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link startAwsEndpoint}. */
export interface AwsEndpointOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  region: string;
  /** Account of the base credentials; default LOCAL_ACCOUNT_ID. */
  accountId?: string;
  /** The base (long-term, IAM user) credentials. */
  credentials: AwsCredentials;
  clusters?: readonly LocalCluster[];
  /** Roles AssumeRole may assume; any other ARN is AccessDenied. */
  roles?: readonly AssumableRole[];
  /** Clock for signatures and credential expiry; default the system clock. */
  now?: () => Date;
  /** SSM documents, state machines and functions the user-defined actions may start. */
  actions?: LocalActionResources;
  /** Amazon Managed Prometheus workspaces: workspace id → URL of the real Prometheus that answers its queries. */
  prometheusWorkspaces?: Readonly<Record<string, string>>;
}

/** A running endpoint. */
export interface AwsEndpoint {
  /** `http://<host>:<port>`: the `endpoint` for EKSClient and STSClient. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  /** Every request answered, in order. */
  readonly calls: AwsCall[];
  /** Every SSM Automation, Step Functions and Lambda call, with its exact body, in order. */
  readonly actionCalls: ActionCall[];
  /** Base and issued credentials (expired ones too, with `expiration`): for `createEksTokenAuthenticator`. */
  readonly lookup: IdentityLookup;
  /** Credentials AssumeRole issued, oldest first. */
  issued(): IssuedCredentials[];
  /** Adds or replaces a cluster (e.g. once the sandbox, which needs `lookup`, knows its URL and CA). */
  addCluster(cluster: LocalCluster): void;
  /** Adds or replaces an AMP workspace (`/workspaces/{id}/api/v1/query`, SigV4 `aps`) answered by `prometheusUrl`. */
  addPrometheusWorkspace(id: string, prometheusUrl: string): void;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

/** Starts the local EKS + STS endpoint. */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const { region } = options;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const now = options.now ?? (() => new Date());
  const createdAt = now();
  const store = new CredentialStore(options.credentials, accountId);
  const clusters = new Map((options.clusters ?? []).map((c) => [c.name, c]));
  const roles = new Map((options.roles ?? []).map((r) => [r.arn, r]));
  const calls: AwsCall[] = [];
  const actionCalls: ActionCall[] = [];
  const actionState = new ActionState();
  const workspaces = new Map(Object.entries(options.prometheusWorkspaces ?? {}));

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = now();
    const url = request.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    // SSM Automation, Step Functions and Lambda (the user-defined actions) are told apart by header or path.
    if (body !== undefined) {
      const signed = { method: request.method ?? 'POST', url, headers: request.headers, body };
      const action = routeAction(
        {
          ...signed,
          path,
          requestId,
          claimedKey: accessKeyIdOf(signed),
          authenticate: (signingName) =>
            authenticateAwsRequest(signed, { service: signingName, region, lookup: store.lookup, now: at }),
        },
        { region, accountId, resources: options.actions ?? {}, state: actionState, now: at },
        actionCalls,
      );
      if (action) {
        response.writeHead(action.status, action.headers);
        response.end(action.body);
        return;
      }
    }
    // Amazon Managed Prometheus: /workspaces/{id}/api/v1/…, SigV4 with signing name aps, a real Prometheus behind.
    const aps = body === undefined ? undefined : apsRoute(path);
    if (aps !== undefined && body !== undefined) {
      const signed = { method: request.method ?? 'GET', url, headers: request.headers, body };
      const auth = authenticateAwsRequest(signed, {
        service: APS_SIGNING_NAME,
        region,
        lookup: store.lookup,
        now: at,
      });
      const contentType = header(request.headers, 'content-type');
      const reply = await answerAps(
        { method: signed.method, url, route: aps, body, contentType, requestId, auth },
        workspaces,
      );
      const claimed = accessKeyIdOf(signed);
      calls.push({
        service: 'aps',
        at,
        action: aps.apiPath,
        status: reply.status,
        workspaceId: aps.workspaceId,
        ...(claimed === undefined ? {} : { accessKeyId: claimed }),
        ...(reply.errorCode === undefined ? {} : { errorCode: reply.errorCode }),
      });
      response.writeHead(reply.status, reply.headers);
      response.end(reply.body);
      return;
    }
    // Real AWS tells services apart by host name; one local port tells them apart by path.
    const service = path.startsWith('/clusters/') ? 'eks' : path === '/' ? 'sts' : 'unknown';
    let answer: ServiceAnswer;
    if (service === 'unknown' || body === undefined) {
      const [code, status] =
        body === undefined ? ['RequestEntityTooLarge', 413] : ['UnknownOperationException', 404];
      const reply = eksError(code, `No operation at ${request.method} ${path}`, status, requestId);
      answer = { ...reply, call: { action: undefined, status, errorCode: code } };
    } else {
      const method = request.method ?? 'GET';
      const signed = { method, url, headers: request.headers, body };
      const serviceRequest: ServiceRequest = {
        method,
        url,
        path,
        body,
        json: wantsJson(header(request.headers, 'accept')),
        requestId,
        auth: authenticateAwsRequest(signed, { service, region, lookup: store.lookup, now: at }),
        claimedKey: accessKeyIdOf(signed),
        presigned: isPresigned(signed),
      };
      answer =
        service === 'eks'
          ? answerEks(serviceRequest, clusters, { region, accountId, createdAt })
          : answerSts(serviceRequest, { store, roles, accountId, now: at });
    }
    calls.push({ service, at, ...answer.call });
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return;
      response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
      response.end(JSON.stringify({ message: String(error) }));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard listen address is reached through loopback.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    region,
    accountId,
    calls,
    actionCalls,
    lookup: store.lookup,
    issued: () => store.issued,
    addCluster: (cluster) => {
      clusters.set(cluster.name, cluster);
    },
    addPrometheusWorkspace: (id, prometheusUrl) => {
      workspaces.set(id, prometheusUrl);
    },
    close: () => closeServer(server),
  };
}
