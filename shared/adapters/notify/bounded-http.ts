/** How hard one sink is tried from inside a Lambda invocation (60 s): a few seconds, never minutes. */
export interface RetryPolicy {
  /** Attempts after the first, for 5xx, 429 within the bound, timeouts and connection errors. */
  retries: number;
  /** One attempt's limit. */
  timeoutMs: number;
  /** A Retry-After up to this long is waited out; a longer one means "not now" and fails at once. */
  maxRetryAfterMs: number;
  /** Waits before retrying a 5xx or a connection error, by attempt. */
  backoffMs: readonly number[];
  /** After giving up, calls to this sink fail at once this long, so an outage costs one timeout, not one per alert. */
  cooldownMs: number;
}

/** A delivery that did not happen; the message names the sink, the call and the status, never a credential. */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

export interface HttpDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After is delta-seconds or an HTTP date; absent or unreadable → undefined. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** JSON over HTTP with bounded retries, Retry-After honoured within a bound, and a fail-fast window after an outage. */
export class BoundedHttp {
  private downUntil = 0;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly sink: string,
    private readonly policy: RetryPolicy,
    deps: HttpDeps = {},
  ) {
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.sleep = deps.sleep ?? defaultSleep;
    this.now = deps.now ?? Date.now;
  }

  async send(
    call: string,
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    /** False for a request that must not run twice (creating a ticket): only a 429 (not processed) is retried. */
    idempotent = true,
  ): Promise<HttpResponse> {
    const wait = this.downUntil - this.now();
    if (wait > 0)
      throw new SinkError(
        `${this.sink} ${call}: skipped, ${this.sink} unavailable for ${Math.ceil(wait / 1000)}s more`,
      );
    let last: SinkError | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt <= this.policy.retries; attempt++) {
      attempts++;
      let response: Response;
      try {
        response = await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.policy.timeoutMs) });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer in ${this.policy.timeoutMs} ms`
            : 'connection failed';
        last = new SinkError(`${this.sink} ${call}: ${reason}`);
        if (!idempotent) break;
        await this.backoff(attempt);
        continue;
      }
      const body = await readJson(response);
      if (response.status !== 429 && response.status < 500) return { status: response.status, body };
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.now());
      last = new SinkError(
        `${this.sink} ${call}: HTTP ${response.status}${retryAfter === undefined ? '' : ` (Retry-After ${Math.ceil(retryAfter / 1000)}s)`}`,
        response.status,
        retryAfter,
      );
      if (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs) {
        this.downUntil = this.now() + retryAfter;
        throw last;
      }
      if (!idempotent && response.status !== 429) break;
      if (attempt < this.policy.retries) {
        if (retryAfter !== undefined) await this.sleep(retryAfter);
        else await this.backoff(attempt);
      }
    }
    this.downUntil = this.now() + this.policy.cooldownMs;
    throw new SinkError(
      `${last?.message ?? `${this.sink} ${call}: failed`} after ${attempts} attempt(s)`,
      last?.status,
    );
  }

  private async backoff(attempt: number): Promise<void> {
    if (attempt >= this.policy.retries) return;
    const ms = this.policy.backoffMs[Math.min(attempt, this.policy.backoffMs.length - 1)] ?? 0;
    await this.sleep(ms);
  }
}

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 200);
  }
};
