// A call to an AWS JSON-protocol API (DynamoDB, and any service that speaks `X-Amz-Target` + JSON): SigV4-signed
// POST over a kept-alive connection, AWS's error shape, and the AWS SDK's standard retry rules. node:http(s) and
// node:crypto only: a Lambda that loads no AWS SDK at cold start (see README "Performance").
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

export interface AwsJsonOptions {
  /** Signing name and endpoint prefix, e.g. `dynamodb`. */
  readonly service: string;
  /** `DynamoDB_20120810`: the X-Amz-Target prefix. */
  readonly targetPrefix: string;
  /** `1.0` (DynamoDB, SQS) or `1.1` (SSM…). */
  readonly jsonVersion: '1.0' | '1.1';
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

const defaultEndpoint = (service: string, region: string) =>
  `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/** Lowercase error code from `__type` (`com.amazonaws.dynamodb.v20120810#Code`) or `x-amzn-errortype` (`Code:url`). */
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

/** One client per service and process: its agent keeps connections open across warm invocations. */
export class AwsJsonClient {
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly send: typeof httpRequest;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: AwsJsonOptions) {
    this.url = new URL(options.endpoint ?? defaultEndpoint(options.service, options.region));
    const https = this.url.protocol === 'https:';
    // TLS verification is Node's default and stays on; keep-alive saves a handshake per call.
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => new Date());
  }

  /** Calls `operation` with `input` (already in the service's wire form) and returns the decoded answer. */
  async call(operation: string, input: unknown): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const attempts = Math.max(1, this.options.maxAttempts ?? 3);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(operation, body, await this.options.credentials());
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

  private async attempt(
    operation: string,
    body: string,
    credentials: AwsCredentials,
  ): Promise<Record<string, unknown>> {
    const headers = {
      'content-type': `application/x-amz-json-${this.options.jsonVersion}`,
      'x-amz-target': `${this.options.targetPrefix}.${operation}`,
    };
    const signed = signRequest({
      method: 'POST',
      url: this.url,
      headers,
      body,
      service: this.options.service,
      region: this.options.region,
      credentials,
      now: this.now(),
    });
    const res = await this.post(
      { ...headers, ...signed, 'content-length': String(Buffer.byteLength(body)) },
      body,
    );
    const text = res.body;
    let decoded: Record<string, unknown> = {};
    if (text !== '') {
      try {
        decoded = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new AwsServiceError(
          'InvalidResponse',
          `${this.options.service} ${operation}: HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
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

  private post(
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const req = this.send(this.url, { method: 'POST', headers, agent: this.agent }, (res) => {
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
