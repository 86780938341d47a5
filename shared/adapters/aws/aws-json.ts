// A signed call to an AWS API that answers JSON: the AWS JSON protocols (DynamoDB, SQS, SSM: `X-Amz-Target` +
// a JSON body, POSTed to `/`) and REST-JSON (EKS: `GET /clusters/{name}`). SigV4 over a kept-alive connection,
// AWS's error shape, and the AWS SDK's standard retry rules. node:http(s) and node:crypto only: a Lambda that
// loads no AWS SDK at cold start (see README "Performance").
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AwsCredentials, CredentialProvider } from '../eks/credentials.js';
import { signRequest } from './sigv4-sign.js';

/** The SDK's standard retry classification (@smithy/service-error-classification), so behaviour is unchanged. */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Full-jitter backoff bases and cap, the SDK's: 100 ms, 500 ms after throttling, never over 20 s. */
const RETRY_BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const MAX_RETRY_DELAY_MS = 20_000;

/** An error answered by the service: `name` is its error code (`ConditionalCheckFailedException`…). */
export class AwsServiceError extends Error {
  readonly status: number;
  /** The decoded error body: services put extra fields here (DynamoDB's CancellationReasons, Item). */
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
  constructor(
    code: string,
    message: string,
    status: number,
    body: Record<string, unknown>,
    requestId?: string,
  ) {
    super(message);
    this.name = code;
    this.status = status;
    this.body = body;
    this.requestId = requestId;
  }
}

/** No answer within the per-attempt timeout (retried like the SDK's TimeoutError). */
export class AwsTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

export interface AwsClientOptions {
  /** Signing name and endpoint prefix, e.g. `dynamodb`. */
  readonly service: string;
  readonly region: string;
  /** A local or VPC endpoint; default `https://<service>.<region>.amazonaws.com`. */
  readonly endpoint?: string | undefined;
  readonly credentials: CredentialProvider;
  /** Attempts in all, the first included (default 3, the SDK's). */
  readonly maxAttempts?: number;
  /** Per attempt; a call that hangs is retried, then fails, instead of eating the Lambda's whole timeout. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

export interface AwsJsonOptions extends AwsClientOptions {
  /** `DynamoDB_20120810`: the X-Amz-Target prefix. */
  readonly targetPrefix: string;
  /** `1.0` (DynamoDB, SQS) or `1.1` (SSM…). */
  readonly jsonVersion: '1.0' | '1.1';
}

/** One HTTP request to the service, signed on each attempt. */
export interface AwsRequest {
  /** The operation's name, for error messages (`GetItem`, `DescribeCluster`). */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the endpoint's path, already URI-encoded: `/`, `/clusters/prod-eu`. */
  readonly path: string;
  /** Signed with the request (`host` and the signer's own are added). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

const defaultEndpoint = (service: string, region: string) =>
  `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/** The error code from `__type` (`com.amazonaws.dynamodb.v20120810#Code`) or `x-amzn-errortype` (`Code:url`). */
const errorCode = (body: Record<string, unknown>, header: string | undefined): string => {
  const raw = typeof body.__type === 'string' ? body.__type : (header ?? '');
  return (raw.split('#').at(-1) ?? '').split(':')[0] || 'UnknownError';
};

const isThrottling = (e: unknown) =>
  e instanceof AwsServiceError && (THROTTLING_CODES.has(e.name) || e.status === 429);
const isRetryable = (e: unknown): boolean => {
  if (isThrottling(e)) return true;
  if (e instanceof AwsServiceError) return TRANSIENT_STATUS.has(e.status) || TRANSIENT_CODES.has(e.name);
  if (e instanceof AwsTimeoutError) return true;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
};

/**
 * Signed requests to one service: one client per service and process, its agent keeps connections open across
 * warm invocations. Retries, the per-attempt timeout and error decoding live here, for every protocol.
 */
export class AwsClient {
  private readonly url: URL;
  /** The endpoint's own path, without a trailing slash: requests' paths go below it. */
  private readonly basePath: string;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly send: typeof httpRequest;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: AwsClientOptions) {
    this.url = new URL(options.endpoint ?? defaultEndpoint(options.service, options.region));
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    const https = this.url.protocol === 'https:';
    // TLS verification is Node's default and stays on; keep-alive saves a handshake per call.
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => new Date());
  }

  /** Sends `request`, retried as the SDK would, and returns the decoded JSON answer (`{}` for an empty one). */
  async request(request: AwsRequest): Promise<Record<string, unknown>> {
    const attempts = Math.max(1, this.options.maxAttempts ?? 3);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(request, await this.options.credentials());
      } catch (error) {
        if (attempt + 1 >= attempts || !isRetryable(error)) throw error;
        const base = isThrottling(error) ? THROTTLING_BASE_MS : RETRY_BASE_MS;
        await this.sleep(Math.floor(Math.random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** attempt)));
      }
    }
  }

  /** Frees the kept-alive sockets (a CLI run, a test) so the process can exit. */
  destroy(): void {
    this.agent.destroy();
  }

  private async attempt(request: AwsRequest, credentials: AwsCredentials): Promise<Record<string, unknown>> {
    const url = new URL(this.url);
    url.pathname = this.basePath + request.path;
    const headers = { ...request.headers };
    const signed = signRequest({
      method: request.method,
      url,
      headers,
      body: request.body,
      service: this.options.service,
      region: this.options.region,
      credentials,
      now: this.now(),
    });
    const length =
      request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) };
    const res = await this.exchange(request.method, url, { ...headers, ...signed, ...length }, request.body);
    const text = res.body;
    let decoded: Record<string, unknown> = {};
    if (text !== '') {
      try {
        decoded = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new AwsServiceError(
          'InvalidResponse',
          `${this.options.service} ${request.operation}: HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
          res.status,
          {},
        );
      }
    }
    if (res.status >= 200 && res.status < 300) return decoded;
    const header = res.headers['x-amzn-errortype'];
    const code = errorCode(decoded, typeof header === 'string' ? header : undefined);
    const message = String(decoded.message ?? decoded.Message ?? `HTTP ${res.status}`);
    const requestId = res.headers['x-amzn-requestid'];
    throw new AwsServiceError(
      code,
      message,
      res.status,
      decoded,
      typeof requestId === 'string' ? requestId : undefined,
    );
  }

  private exchange(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const req = this.send(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(new AwsTimeoutError(`${this.options.service}: no answer within ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** An AWS JSON-protocol API: every operation is a POST to `/` named by its X-Amz-Target. */
export class AwsJsonClient extends AwsClient {
  constructor(private readonly json: AwsJsonOptions) {
    super(json);
  }

  /** Calls `operation` with `input` (already in the service's wire form) and returns the decoded answer. */
  call(operation: string, input: unknown): Promise<Record<string, unknown>> {
    return this.request({
      operation,
      method: 'POST',
      path: '/',
      headers: {
        'content-type': `application/x-amz-json-${this.json.jsonVersion}`,
        'x-amz-target': `${this.json.targetPrefix}.${operation}`,
      },
      body: JSON.stringify(input),
    });
  }
}
