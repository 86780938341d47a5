import { Agent, request } from 'node:https';
import { KubernetesError } from '#domain/errors.js';

/** One API call should never eat a Lambda's budget: 3 attempts of 5 s plus backoff stay well inside a minute. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Attempts per call for throttling, 5xx and transport errors; after that the action fails and Lambda retries. */
export const MAX_ATTEMPTS = 3;
/** Waits before retry 1 and 2 (jittered ±25 %), unless the server says Retry-After. */
export const BACKOFF_MS = [250, 1_000] as const;
/** A Retry-After longer than this is not waited for in-invocation; the failure goes to Lambda's retry instead. */
export const MAX_RETRY_AFTER_MS = 5_000;
/** Statuses worth retrying: throttled or the API server is struggling. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export interface Connection {
  /** https://host:port of the API server. */
  server: string;
  /** base64 of the PEM CA bundle (kubeconfig certificate-authority-data, EKS certificateAuthority.data). */
  caData: string;
  /** Returns a bearer token; called per request so a refreshed token is picked up. */
  token: () => Promise<string> | string;
}

export interface KubeResponse {
  status: number;
  body: unknown;
  /** Seconds from the Retry-After header, when the server sent one. */
  retryAfterSeconds?: number;
}

export interface CallOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  /**
   * Whether a 429 is throttling worth retrying (default) or an answer to report as is: the Eviction API says
   * "a PodDisruptionBudget forbids this now" with a 429, and remedy never retries its way past a PDB.
   */
  retryTooManyRequests?: boolean;
}

/**
 * A deliberately small Kubernetes API client: HTTPS with the cluster CA (verification is never disabled),
 * a bearer token, JSON in and out. Non-2xx answers come back as `{status, body}` for the caller to interpret;
 * transport failures throw a retryable KubernetesError.
 */
export class KubeHttp {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(private readonly connection: Connection) {
    this.url = new URL(connection.server);
    if (this.url.protocol !== 'https:') {
      throw new KubernetesError(`refusing non-TLS Kubernetes API ${connection.server}`, { retryable: false });
    }
    this.agent = new Agent({
      keepAlive: true,
      ca: Buffer.from(connection.caData, 'base64').toString('utf8'),
    });
  }

  /** One API call with bounded retries (backoff, Retry-After) for throttling, 5xx and transport errors. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<KubeResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= MAX_ATTEMPTS;
      let res: KubeResponse;
      try {
        res = await this.once(method, path, options);
      } catch (error) {
        if (last || options.signal?.aborted) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      const retryable =
        RETRYABLE_STATUS.has(res.status) && (res.status !== 429 || options.retryTooManyRequests !== false);
      if (!retryable || last) return res;
      const wait = res.retryAfterSeconds === undefined ? backoff(attempt) : res.retryAfterSeconds * 1000;
      if (wait > MAX_RETRY_AFTER_MS) return res;
      await sleep(wait);
    }
  }

  private async once(method: string, path: string, options: CallOptions): Promise<KubeResponse> {
    const token = await this.connection.token();
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          protocol: 'https:',
          hostname: this.url.hostname,
          port: this.url.port || 443,
          method,
          path: `${this.url.pathname.replace(/\/$/, '')}${path}`,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'user-agent': 'remedy',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(transportError(method, path, e)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON (a proxy's HTML error page): keep the text for the error message.
            }
            const retryAfter = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              body,
              ...(Number.isFinite(retryAfter) && res.headers['retry-after'] !== undefined
                ? { retryAfterSeconds: retryAfter }
                : {}),
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (e) => reject(transportError(method, path, e)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => {
  const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1] ?? 1_000;
  return Math.round(base * (0.75 + Math.random() * 0.5));
};

const transportError = (method: string, path: string, cause: Error) =>
  new KubernetesError(`${method} ${path}: ${cause.message}`, { retryable: true, cause });

/** What an operator can do about an authentication or authorisation failure. */
const HINTS: Readonly<Record<number, string>> = {
  401: "the cluster rejected remedy's token: is the function role mapped to a Kubernetes group by an EKS access entry (infra/resources/eks-access-entry.yml)?",
  403: 'RBAC denied it: grant the verb to the remedy group (infra/kubernetes/rbac.yml)',
};

/** Turns a non-2xx answer into a KubernetesError with the API's own message and, for 401/403, a hint. */
export const statusError = (
  method: string,
  path: string,
  res: KubeResponse,
  cluster = 'cluster',
): KubernetesError => {
  const body = res.body as { message?: string; reason?: string } | string | undefined;
  const detail =
    typeof body === 'object' && body ? (body.message ?? body.reason) : String(body ?? '').slice(0, 200);
  const hint = HINTS[res.status];
  const message = `${cluster}: ${method} ${path}: HTTP ${res.status}${detail ? `: ${detail}` : ''}${hint ? ` (${hint})` : ''}`;
  return new KubernetesError(message, { status: res.status, retryable: RETRYABLE_STATUS.has(res.status) });
};
