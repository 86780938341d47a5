import { describe, expect, it } from 'vitest';
import { BoundedHttp, parseRetryAfter, type RetryPolicy } from '#adapters/notify/bounded-http.js';
import { SLACK_RETRY_POLICY, SlackWebApi } from '#adapters/slack/slack-web-api.js';

const policy: RetryPolicy = {
  retries: 2,
  timeoutMs: 1000,
  maxRetryAfterMs: 10_000,
  backoffMs: [500, 2000],
  cooldownMs: 60_000,
};

/** A fetch that answers from a script, and a clock that only moves when remedy sleeps. */
const fake = (script: Array<{ status: number; body?: unknown; retryAfter?: string } | 'network'>) => {
  let now = 1_000_000;
  const slept: number[] = [];
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const step = script.shift() ?? { status: 200, body: { ok: true } };
    if (step === 'network') throw new TypeError('fetch failed');
    return new Response(step.body === undefined ? '' : JSON.stringify(step.body), {
      status: step.status,
      headers: step.retryAfter ? { 'retry-after': step.retryAfter } : {},
    });
  }) as unknown as typeof globalThis.fetch;
  const sleep = async (ms: number) => {
    slept.push(ms);
    now += ms;
  };
  return { deps: { fetch, sleep, now: () => now }, slept, calls, advance: (ms: number) => (now += ms) };
};

describe('bounded retries for the notification sinks', () => {
  it('Retry-After: seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('a 5xx is retried twice with backoff, then the sink fails fast for the cooldown', async () => {
    const f = fake([{ status: 503 }, { status: 502 }, { status: 500 }]);
    const http = new BoundedHttp('slack', policy, f.deps);
    await expect(http.send('chat.postMessage', 'http://x/', { method: 'POST', headers: {} })).rejects.toThrow(
      'slack chat.postMessage: HTTP 500 after 3 attempt(s)',
    );
    expect(f.slept).toEqual([500, 2000]);
    await expect(http.send('chat.update', 'http://x/', { method: 'POST', headers: {} })).rejects.toThrow(
      /skipped, slack unavailable for 60s more/,
    );
    expect(f.calls).toHaveLength(3);
    f.advance(60_000);
    await expect(
      http.send('chat.update', 'http://x/', { method: 'POST', headers: {} }),
    ).resolves.toMatchObject({ status: 200 });
  });

  it('a 429 within the bound is waited out; beyond it, no wait at all', async () => {
    const f = fake([
      { status: 429, retryAfter: '2' },
      { status: 200, body: { ok: true } },
      { status: 429, retryAfter: '1800' },
    ]);
    const http = new BoundedHttp('slack', policy, f.deps);
    await expect(http.send('a', 'http://x/', { method: 'POST', headers: {} })).resolves.toMatchObject({
      status: 200,
    });
    expect(f.slept).toEqual([2000]);
    await expect(http.send('b', 'http://x/', { method: 'POST', headers: {} })).rejects.toThrow(
      'HTTP 429 (Retry-After 1800s)',
    );
    expect(f.slept).toEqual([2000]);
  });

  it('a request that must not run twice is not retried after a 5xx or a lost connection, only after a 429', async () => {
    const f = fake(['network', { status: 429, retryAfter: '1' }, { status: 201, body: {} }]);
    const http = new BoundedHttp('jira', policy, f.deps);
    await expect(http.send('create', 'http://x/', { method: 'POST', headers: {} }, false)).rejects.toThrow(
      'connection failed',
    );
    const g = fake([
      { status: 429, retryAfter: '1' },
      { status: 201, body: {} },
    ]);
    await expect(
      new BoundedHttp('jira', policy, g.deps).send(
        'create',
        'http://x/',
        { method: 'POST', headers: {} },
        false,
      ),
    ).resolves.toMatchObject({
      status: 201,
    });
  });

  it('worst case for Slack fits well inside a 60 s Lambda', () => {
    const p = SLACK_RETRY_POLICY;
    const worst = (p.retries + 1) * p.timeoutMs + p.retries * Math.max(p.maxRetryAfterMs, ...p.backoffMs);
    expect(worst).toBeLessThanOrEqual(40_000);
  });

  it('Slack: the token goes in the Authorization header; ok:false is an error naming Slack’s code, not the token', async () => {
    const f = fake([{ status: 200, body: { ok: false, error: 'channel_not_found' } }]);
    const slack = new SlackWebApi({
      apiUrl: 'http://slack.local/api',
      token: async () => 'xoxb-secret',
      deps: f.deps,
    });
    const error = await slack.postMessage({ channel: '#nope', text: 't', blocks: [] }).catch((e: Error) => e);
    expect(String(error)).toBe('SinkError: slack chat.postMessage: channel_not_found');
    expect(f.calls[0]?.url).toBe('http://slack.local/api/chat.postMessage');
    expect((f.calls[0]?.init.headers as Record<string, string> | undefined)?.authorization).toBe(
      'Bearer xoxb-secret',
    );
    expect(JSON.parse(String(f.calls[0]?.init.body))).toMatchObject({
      channel: '#nope',
      unfurl_links: false,
    });
  });
});
