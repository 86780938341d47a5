// Instant queries over the Prometheus HTTP API (`POST /api/v1/query`, form-encoded), which Amazon Managed
// Service for Prometheus serves too (`/workspaces/{id}/api/v1/query`, SigV4). Answers are validated with zod;
// anything unexpected is an error, never a guess.
import { z } from 'zod';
import { PrometheusError } from '#domain/analysis/errors.js';
import type { PrometheusQueries, PromSample } from '#domain/ports.js';
import type { PrometheusEndpoint } from './endpoint.js';

/** One query should answer in well under this; a slower one is a bad check, not a reason to hold the Lambda. */
export const QUERY_TIMEOUT_MS = 10_000;
/** Connection errors and 502/503/504 get one more try after this pause; anything else (timeouts too) is final. */
const RETRY_PAUSE_MS = 250;
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** A check answers with a handful of samples; megabytes mean a query over every series, refused. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Error bodies are quoted this far, enough for Prometheus' parse errors and AWS' messages. */
const MAX_QUOTED = 300;

/** `[ <unix seconds>, "<value>" ]`: Prometheus encodes sample values as strings (NaN and ±Inf included). */
const sampleValue = z.tuple([z.number(), z.string()]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** Resolves the endpoint for a cluster (see resolvePrometheusEndpoint). */
export type EndpointResolver = (cluster: string) => Promise<PrometheusEndpoint>;

export interface PrometheusHttpOptions {
  resolve: EndpointResolver;
  fetch?: typeof fetch;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** {@link PrometheusQueries} over HTTP, one endpoint per cluster. */
export class PrometheusHttp implements PrometheusQueries {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PrometheusHttpOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? QUERY_TIMEOUT_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async instantQuery(cluster: string, promql: string, signal?: AbortSignal): Promise<PromSample[]> {
    const endpoint = await this.options.resolve(cluster);
    const url = new URL(`${endpoint.url}/api/v1/query`);
    // Prometheus stops evaluating at its own timeout too, so an expensive query does not outlive the request.
    const body = new URLSearchParams({
      query: promql,
      timeout: `${Math.ceil(this.timeoutMs / 1000)}s`,
    }).toString();
    const where = `Prometheus ${url.host}`;
    for (let attempt = 1; ; attempt++) {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      const auth = await endpoint.authorize({ method: 'POST', url, headers, body });
      const timeout = AbortSignal.timeout(this.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: { ...headers, ...auth },
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await readBounded(response);
      } catch (error) {
        if (error instanceof PrometheusError) throw error;
        const reason = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
        // A refused or reset connection is worth one more try; a timeout is not (it would double the wait).
        if (attempt < 2 && !signal?.aborted && !timeout.aborted) {
          await this.sleep(RETRY_PAUSE_MS);
          continue;
        }
        throw new PrometheusError(`${where} unreachable: ${reason}`, { cause: error });
      }
      if (RETRYABLE_STATUS.has(response.status) && attempt < 2) {
        await this.sleep(RETRY_PAUSE_MS);
        continue;
      }
      return parseAnswer(where, response.status, text);
    }
  }
}

async function readBounded(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new PrometheusError(`answer of ${declared} bytes exceeds ${MAX_RESPONSE_BYTES}; narrow the query`);
  }
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES)
    throw new PrometheusError(`answer exceeds ${MAX_RESPONSE_BYTES} bytes; narrow the query`);
  return text;
}

function parseAnswer(where: string, status: number, text: string): PromSample[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PrometheusError(`${where} answered ${status} with non-JSON: ${quote(text)}`, { status });
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    // AMP and proxies answer auth errors as {"message": "..."}; say what they said.
    const message =
      (json as { message?: unknown; Message?: unknown } | null)?.message ??
      (json as { Message?: unknown } | null)?.Message;
    const detail = typeof message === 'string' ? message : `unexpected answer ${quote(text)}`;
    throw new PrometheusError(`${where} answered ${status}: ${quote(detail)}`, { status });
  }
  const answer = parsed.data;
  if (answer.status === 'error') {
    const kind = answer.errorType ? `${answer.errorType}: ` : '';
    throw new PrometheusError(`${where} answered ${status}: ${kind}${quote(answer.error ?? 'no message')}`, {
      status,
    });
  }
  if (status < 200 || status > 299)
    throw new PrometheusError(`${where} answered ${status} with a success body`, { status });
  const { data } = answer;
  switch (data.resultType) {
    case 'vector':
      return data.result.map((s) => ({ metric: s.metric, value: parseSampleValue(s.value[1]) }));
    case 'scalar':
      return [{ metric: {}, value: parseSampleValue(data.result[1]) }];
    default:
      throw new PrometheusError(
        `${where} answered a ${data.resultType}; an instant check needs a vector or scalar (no [range] selector)`,
      );
  }
}

/** Prometheus writes NaN, +Inf and -Inf as Go does. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new PrometheusError(`unreadable sample value ${quote(text)}`);
  return value;
}

const quote = (text: string) => (text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
