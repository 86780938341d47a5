import { describe, expect, it } from 'vitest';
import { type IngestDeps, type IngestRequest, ingestWebhook } from '#app/ingest.js';
import {
  IngestToken,
  TOKEN_CACHE_MS,
  TOKEN_REFRESH_MIN_INTERVAL_MS,
  tokenMatches,
} from '#app/ingest-auth.js';
import type { AlertsMessage } from '#domain/alert/webhook.js';
import { loadIngestConfig } from '#runtime/config.js';
import { webhookBody } from './webhook-fixture.js';

const TOKEN = 'tok-3f9a8b7c6d5e4f30';

/** Deps that record what happened: published messages, metrics, log lines. */
const harness = (overrides: Partial<IngestDeps> = {}) => {
  const published: AlertsMessage[] = [];
  const metrics: Array<{
    name: string;
    dimensions: Record<string, string> | undefined;
    value: number | undefined;
  }> = [];
  const logs: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }> = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logs.push({ level, message, fields });
  };
  const deps: IngestDeps = {
    token: async () => TOKEN,
    publish: async (message) => {
      published.push(message);
      return `msg-${published.length}`;
    },
    maxBodyBytes: 1024 * 1024,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { count: (name, dimensions, value) => metrics.push({ name, dimensions, value }) },
    ...overrides,
  };
  return { deps, published, metrics, logs };
};

const post = (body: unknown, headers: Record<string, string> = {}): IngestRequest => ({
  method: 'POST',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded: false,
  sourceIp: '203.0.113.7',
  userAgent: 'Alertmanager/0.25.0',
});

describe('ingestWebhook', () => {
  it('publishes a valid post with the attributes remedy.tmpl sets, and answers 200 with the message ids', async () => {
    const { deps, published, metrics } = harness();
    const res = await ingestWebhook(post(webhookBody({}, 2)), deps);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ published: 1, alerts: 2, messageIds: ['msg-1'] });
    expect(published[0]).toMatchObject({
      subject: '[FIRING:2] KubePodCrashLooping',
      attributes: {
        alertname: 'KubePodCrashLooping',
        severity: 'warning',
        cluster: 'none',
        status: 'firing',
      },
    });
    expect(metrics).toContainEqual({ name: 'IngestPublished', dimensions: {}, value: 1 });
  });

  it('decodes a base64 body (isBase64Encoded)', async () => {
    const { deps, published } = harness();
    const request = post('');
    const res = await ingestWebhook(
      {
        ...request,
        body: Buffer.from(JSON.stringify(webhookBody())).toString('base64'),
        isBase64Encoded: true,
      },
      deps,
    );
    expect(res.statusCode).toBe(200);
    expect(published).toHaveLength(1);
  });

  it('answers 401 with a Bearer challenge when the header is missing or not Bearer, and counts it', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words']) {
      const { deps, published, metrics, logs } = harness();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await ingestWebhook({ ...post(webhookBody()), headers }, deps);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="remedy"');
      expect(published).toHaveLength(0);
      expect(metrics).toContainEqual({
        name: 'IngestRefused',
        dimensions: { reason: 'unauthenticated' },
        value: undefined,
      });
      expect(logs[0]).toMatchObject({ level: 'warn', fields: { status: 401, sourceIp: '203.0.113.7' } });
    }
  });

  it('answers 403 with the same body for any wrong token, however close, and never logs a token', async () => {
    const answers = new Set<string>();
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'wrong-token-value', TOKEN.toUpperCase()]) {
      const { deps, published, logs } = harness();
      const res = await ingestWebhook(post(webhookBody(), { authorization: `Bearer ${wrong}` }), deps);
      expect(res.statusCode).toBe(403);
      answers.add(res.body);
      expect(published).toHaveLength(0);
      expect(JSON.stringify(logs)).not.toContain(wrong);
      expect(JSON.stringify(logs)).not.toContain(TOKEN);
    }
    expect([...answers]).toEqual([JSON.stringify({ error: 'token not accepted' })]);
  });

  it('answers 503 (Alertmanager retries) when the token cannot be read, and publishes nothing', async () => {
    const { deps, published, metrics } = harness({
      token: async () => {
        throw new Error('SSM parameter(s) not found: /remedy/prod/ingest-token');
      },
    });
    const res = await ingestWebhook(post(webhookBody()), deps);
    expect(res.statusCode).toBe(503);
    expect(published).toHaveLength(0);
    expect(metrics).toContainEqual({
      name: 'IngestFailed',
      dimensions: { reason: 'token-unavailable' },
      value: undefined,
    });
  });

  it('answers 405 to anything but POST', async () => {
    const { deps } = harness();
    const res = await ingestWebhook({ ...post(webhookBody()), method: 'GET' }, deps);
    expect(res).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
  });

  it('answers 415 to a body that is not JSON by content type', async () => {
    const { deps } = harness();
    const res = await ingestWebhook(post(webhookBody(), { 'content-type': 'text/plain' }), deps);
    expect(res.statusCode).toBe(415);
  });

  it('answers 413 with a clear JSON error over the body limit', async () => {
    const { deps, published, metrics } = harness({ maxBodyBytes: 2048 });
    const body = JSON.stringify(webhookBody({}, 10));
    const res = await ingestWebhook(post(body), deps);
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toEqual({
      error: `body is ${Buffer.byteLength(body)} bytes, over the 2048-byte limit`,
      limitBytes: 2048,
      sizeBytes: Buffer.byteLength(body),
    });
    expect(published).toHaveLength(0);
    expect(metrics).toContainEqual({
      name: 'IngestRefused',
      dimensions: { reason: 'too-large' },
      value: undefined,
    });
  });

  it('answers 400 naming the field path, and publishes nothing', async () => {
    const { deps, published } = harness();
    const body = webhookBody();
    (body.alerts as Array<Record<string, unknown>>)[0]!.status = 'burning';
    const res = await ingestWebhook(post(body), deps);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/^body\.alerts\[0\]\.status: /);
    expect(published).toHaveLength(0);
  });

  it('answers 400 to a body that is not UTF-8', async () => {
    const { deps } = harness();
    const res = await ingestWebhook(
      { ...post(''), body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), isBase64Encoded: true },
      deps,
    );
    expect(res).toMatchObject({ statusCode: 400, body: JSON.stringify({ error: 'body: not valid UTF-8' }) });
  });

  it('publishes a notification too big for SNS as several messages, in order', async () => {
    const { deps, published } = harness({ maxBodyBytes: 2 * 1024 * 1024 });
    const body = webhookBody({}, 30);
    for (const alert of body.alerts as Array<{ annotations: Record<string, string> }>)
      alert.annotations.description = 'x'.repeat(20_000);
    const res = await ingestWebhook(post(body), deps);
    expect(res.statusCode).toBe(200);
    expect(published.length).toBeGreaterThan(1);
    expect(published.reduce((n, m) => n + m.alertCount, 0)).toBe(30);
  });

  it('answers 502 when SNS fails, saying how many messages went out', async () => {
    let calls = 0;
    const { deps, metrics } = harness({
      publish: async () => {
        calls += 1;
        throw new Error('AuthorizationError: not authorized to perform SNS:Publish');
      },
    });
    const res = await ingestWebhook(post(webhookBody()), deps);
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ published: 0 });
    expect(calls).toBe(1);
    expect(metrics).toContainEqual({
      name: 'IngestFailed',
      dimensions: { reason: 'publish-failed' },
      value: undefined,
    });
  });
});

describe('tokenMatches', () => {
  it('is true only for the same token, and never for an empty expected token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
});

describe('token rotation', () => {
  it('accepts a just-rotated token by re-reading the parameter once, rate-limited', async () => {
    let stored = 'old-token-value';
    let now = 1_000_000;
    let reads = 0;
    const token = new IngestToken(
      async () => {
        reads += 1;
        return stored;
      },
      () => now,
    );
    const { deps } = harness({ token: () => token.get(), refreshToken: () => token.refresh() });
    const withToken = (t: string) => post(webhookBody(), { authorization: `Bearer ${t}` });
    expect((await ingestWebhook(withToken('old-token-value'), deps)).statusCode).toBe(200);
    // Rotated in SSM: the cached value is still the old one; a new-token post re-reads and is accepted.
    stored = 'new-token-value';
    now += 60_000;
    expect((await ingestWebhook(withToken('new-token-value'), deps)).statusCode).toBe(200);
    expect(reads).toBe(2);
    // The old token is refused now; a burst of wrong tokens re-reads at most once per 30 s.
    for (let i = 0; i < 5; i++)
      expect((await ingestWebhook(withToken('old-token-value'), deps)).statusCode).toBe(403);
    expect(reads).toBe(2);
    now += TOKEN_REFRESH_MIN_INTERVAL_MS;
    expect((await ingestWebhook(withToken('guess'), deps)).statusCode).toBe(403);
    expect(reads).toBe(3);
  });

  it('re-reads after the cache expires even without a mismatch', async () => {
    let now = 0;
    let reads = 0;
    const token = new IngestToken(
      async () => {
        reads += 1;
        return 't';
      },
      () => now,
    );
    await token.get();
    await token.get();
    now += TOKEN_CACHE_MS + 1;
    await token.get();
    expect(reads).toBe(2);
  });
});

describe('loadIngestConfig', () => {
  const env = {
    ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:remedy-alerts-prod',
    INGEST_TOKEN_PARAMETER: '/remedy/prod/ingest-token',
  };

  it('reads the topic, token parameter and limits, with defaults', () => {
    expect(loadIngestConfig(env)).toMatchObject({
      topicArn: env.ALERTS_TOPIC_ARN,
      tokenParameter: '/remedy/prod/ingest-token',
      maxBodyBytes: 1024 * 1024,
    });
    expect(loadIngestConfig({ ...env, INGEST_MAX_BODY_BYTES: '2048' }).maxBodyBytes).toBe(2048);
  });

  it('fails closed naming each bad variable', () => {
    expect(() => loadIngestConfig({ ...env, ALERTS_TOPIC_ARN: 'remedy-alerts' })).toThrow(
      /ALERTS_TOPIC_ARN: ALERTS_TOPIC_ARN must be an SNS topic ARN/,
    );
    expect(() => loadIngestConfig({ ...env, INGEST_TOKEN_PARAMETER: 'ingest-token' })).toThrow(
      /INGEST_TOKEN_PARAMETER must be an SSM parameter path starting with "\/"/,
    );
    expect(() => loadIngestConfig({ ...env, INGEST_MAX_BODY_BYTES: '10' })).toThrow(/INGEST_MAX_BODY_BYTES/);
  });
});
