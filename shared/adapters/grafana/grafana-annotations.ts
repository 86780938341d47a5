import { BoundedHttp, type HttpDeps, type RetryPolicy, SinkError } from '#adapters/notify/bounded-http.js';
import type { Annotations } from '#domain/notify/ports.js';

/** An annotation is a nicety: one retry, short timeouts, and a minute's pause after Grafana fails. */
export const GRAFANA_RETRY_POLICY: RetryPolicy = {
  retries: 1,
  timeoutMs: 3_000,
  maxRetryAfterMs: 5_000,
  backoffMs: [500],
  cooldownMs: 60_000,
};

/** Grafana `POST /api/annotations` (service-account token as Bearer; time in epoch milliseconds). */
export class GrafanaAnnotations implements Annotations {
  private readonly http: BoundedHttp;
  constructor(
    private readonly options: {
      url: string;
      token: () => Promise<string>;
      policy?: RetryPolicy;
      deps?: HttpDeps;
    },
  ) {
    this.http = new BoundedHttp('grafana', options.policy ?? GRAFANA_RETRY_POLICY, options.deps);
  }

  async annotate(a: { time: number; tags: string[]; text: string; dashboardUID?: string; panelId?: number }) {
    const res = await this.http.send(
      'POST /api/annotations',
      new URL('/api/annotations', this.options.url).href,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.options.token()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(a),
      },
    );
    if (res.status !== 200) {
      const message = (res.body as { message?: unknown } | undefined)?.message;
      throw new SinkError(
        `grafana POST /api/annotations: HTTP ${res.status} ${String(message ?? '')}`.trim(),
        res.status,
      );
    }
  }
}
