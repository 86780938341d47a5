import { BoundedHttp, type HttpDeps, type RetryPolicy, SinkError } from '#adapters/notify/bounded-http.js';
import type { SlackApi } from '#domain/notify/ports.js';
import type { SlackMessage } from '#domain/notify/slack-blocks.js';

/** Slack's own client retries 10 times over about 30 minutes; a Lambda has 60 s for everything. */
export const SLACK_MAX_RETRIES = 2;
/** One call that takes longer is treated as failed: the remediation is done, the message is best effort. */
export const SLACK_TIMEOUT_MS = 5_000;
/** chat.postMessage allows about one message per second per channel: a short Retry-After is waited out… */
export const SLACK_MAX_RETRY_AFTER_MS = 10_000;
/** …a longer one, or repeated 5xx, stops Slack calls from this container for a minute. */
export const SLACK_COOLDOWN_MS = 60_000;
export const SLACK_BACKOFF_MS = [500, 2_000] as const;

export const SLACK_RETRY_POLICY: RetryPolicy = {
  retries: SLACK_MAX_RETRIES,
  timeoutMs: SLACK_TIMEOUT_MS,
  maxRetryAfterMs: SLACK_MAX_RETRY_AFTER_MS,
  backoffMs: SLACK_BACKOFF_MS,
  cooldownMs: SLACK_COOLDOWN_MS,
};

/** The default Web API base; tests and `npm start` point it at the local Slack. */
export const SLACK_API_URL = 'https://slack.com/api/';

/** chat.postMessage and chat.update over fetch (JSON body, bot token as Bearer), with bounded retries. */
export class SlackWebApi implements SlackApi {
  private readonly base: string;
  private readonly http: BoundedHttp;
  private readonly token: () => Promise<string>;

  constructor(options: {
    apiUrl?: string;
    token: () => Promise<string>;
    policy?: RetryPolicy;
    deps?: HttpDeps;
  }) {
    const base = options.apiUrl ?? SLACK_API_URL;
    this.base = base.endsWith('/') ? base : `${base}/`;
    this.token = options.token;
    this.http = new BoundedHttp('slack', options.policy ?? SLACK_RETRY_POLICY, options.deps);
  }

  async postMessage(m: SlackMessage & { channel: string; threadTs?: string }) {
    const answer = await this.call('chat.postMessage', {
      channel: m.channel,
      text: m.text,
      blocks: m.blocks,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    const channel = answer.channel;
    const ts = answer.ts;
    if (typeof channel !== 'string' || typeof ts !== 'string')
      throw new SinkError('slack chat.postMessage: answer has no channel/ts');
    return { channel, ts };
  }

  async update(m: SlackMessage & { channel: string; ts: string }): Promise<void> {
    await this.call('chat.update', { channel: m.channel, ts: m.ts, text: m.text, blocks: m.blocks });
  }

  private async call(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await this.http.send(method, `${this.base}${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.token()}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify(body),
    });
    const answer = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Record<
      string,
      unknown
    >;
    if (res.status !== 200) throw new SinkError(`slack ${method}: HTTP ${res.status}`, res.status);
    if (answer.ok !== true)
      throw new SinkError(`slack ${method}: ${String(answer.error ?? 'ok is not true')}`);
    return answer;
  }
}
