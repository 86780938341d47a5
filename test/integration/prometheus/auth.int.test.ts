import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '#adapters/eks/credentials.js';
import { buildPrometheus } from '#adapters/prometheus/build.js';
import { runCheck } from '#app/run-check.js';
import { PrometheusError } from '#domain/analysis/errors.js';
import type { PrometheusTarget } from '#domain/cluster/registry.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { type LocalSsm, startLocalSsm } from '../../../infra/local/sinks/ssm-server.js';
import {
  type Exporter,
  type RunningPrometheus,
  startExporter,
  startPrometheus,
  waitForValue,
} from '../../support/prometheus.js';

// How remedy authenticates to Prometheus: SigV4 (signing name aps) checked by the local AWS endpoint's AMP
// route with the same verifier as EKS/STS, and basic/bearer checked by a proxy in front of the real
// Prometheus; secrets come from the local SSM Parameter Store through the real SSM client.

const REGION = 'eu-west-1';
const METRIC = 'remedy_test_error_ratio';
const SECRETS = {
  '/remedy/prometheus/username': 'remedy',
  '/remedy/prometheus/password': 'p@ss:word',
  '/remedy/prometheus/token': 'tok-123',
};

/** A reverse proxy that lets a request through to Prometheus only with the expected Authorization header. */
const startAuthProxy = async (upstream: string, expected: string) => {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const given = req.headers.authorization ?? '';
    seen.push(given);
    if (given !== expected) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      fetch(`${upstream}${req.url}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      })
        .then(async (r) =>
          res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
        )
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

describe('Prometheus authentication', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;
  let aws: AwsEndpoint;
  let ssm: LocalSsm;

  const client = (fallback: PrometheusTarget, credentials: AwsCredentials = LOCAL_CREDENTIALS) =>
    buildPrometheus({
      region: 'us-east-1',
      ssmEndpoint: ssm.url,
      fallback,
      credentials: async () => credentials,
    });
  const check = { query: `max(${METRIC}{service="{{service}}"})`, condition: '> 0.05' };

  beforeAll(async () => {
    exporter = await startExporter();
    exporter.set(METRIC, { service: 'checkout' }, 0.12);
    [prometheus, aws, ssm] = await Promise.all([
      startPrometheus({ scrapeTargets: [exporter.url] }),
      startAwsEndpoint({ region: REGION, credentials: LOCAL_CREDENTIALS }),
      startLocalSsm({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, parameters: SECRETS }),
    ]);
    aws.addPrometheusWorkspace('ws-local', prometheus.url);
    await waitForValue(prometheus.url, `${METRIC}{service="checkout"}`, 0.12);
  });
  afterAll(async () => {
    await Promise.all([aws?.close(), ssm?.close(), prometheus?.stop(), exporter?.close()]);
  });

  describe('SigV4 for Amazon Managed Service for Prometheus', () => {
    const workspace = () => `${aws.url}/workspaces/ws-local`;

    it('signs the query; the endpoint verifies it with signing name aps and answers', async () => {
      const prom = client({ endpoint: workspace(), auth: { type: 'sigv4', region: REGION } });
      const result = await runCheck(check, { service: 'checkout' }, 'prod', prom);
      expect(result).toMatchObject({ status: 'true', value: 0.12 });
      expect(aws.calls.at(-1)).toMatchObject({
        service: 'aps',
        action: '/api/v1/query',
        workspaceId: 'ws-local',
        status: 200,
        accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      });
    });

    it('is refused with a wrong secret, and the error says what AWS said', async () => {
      const wrong = { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' };
      const prom = client({ endpoint: workspace(), auth: { type: 'sigv4', region: REGION } }, wrong);
      const error = await prom.instantQuery('prod', `${METRIC}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrometheusError);
      expect((error as PrometheusError).status).toBe(403);
      expect((error as Error).message).toMatch(
        /answered 403: The request signature we calculated does not match/,
      );
      expect(aws.calls.at(-1)).toMatchObject({
        service: 'aps',
        status: 403,
        errorCode: 'SignatureDoesNotMatch',
      });
    });

    it('is refused when signed for another region', async () => {
      const prom = client({ endpoint: workspace(), auth: { type: 'sigv4', region: 'us-west-2' } });
      await expect(prom.instantQuery('prod', METRIC)).rejects.toMatchObject({ status: 403 });
    });

    it('names an unknown workspace', async () => {
      const prom = client({
        endpoint: `${aws.url}/workspaces/ws-gone`,
        auth: { type: 'sigv4', region: REGION },
      });
      await expect(prom.instantQuery('prod', METRIC)).rejects.toThrow(
        /404: Workspace ws-gone does not exist/,
      );
    });
  });

  describe('self-hosted Prometheus behind a proxy', () => {
    it('sends basic auth from SSM parameters', async () => {
      const expected = `Basic ${Buffer.from('remedy:p@ss:word').toString('base64')}`;
      const proxy = await startAuthProxy(prometheus.url, expected);
      try {
        const prom = client({
          endpoint: proxy.url,
          auth: {
            type: 'basic',
            usernameParameter: '/remedy/prometheus/username',
            passwordParameter: '/remedy/prometheus/password',
          },
        });
        expect(await runCheck(check, { service: 'checkout' }, 'prod', prom)).toMatchObject({
          status: 'true',
        });
        expect(proxy.seen).toEqual([expected]);
        expect(ssm.requests.length).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });

    it('sends a bearer token from SSM, and reports a refusal', async () => {
      const proxy = await startAuthProxy(prometheus.url, 'Bearer tok-123');
      try {
        const good = client({
          endpoint: proxy.url,
          auth: { type: 'bearer', tokenParameter: '/remedy/prometheus/token' },
        });
        expect(await good.instantQuery('prod', `${METRIC}{service="checkout"}`)).toEqual([
          { metric: expect.objectContaining({ service: 'checkout' }), value: 0.12 },
        ]);
        const none = client({ endpoint: proxy.url });
        await expect(none.instantQuery('prod', METRIC)).rejects.toThrow(
          /answered 401 with non-JSON: Unauthorized/,
        );
        expect(proxy.seen).toEqual(['Bearer tok-123', '']);
      } finally {
        await proxy.close();
      }
    });

    it('fails closed when the secret parameter is missing', async () => {
      const prom = client({
        endpoint: prometheus.url,
        auth: { type: 'bearer', tokenParameter: '/remedy/none' },
      });
      const result = await runCheck(check, { service: 'checkout' }, 'prod', prom);
      expect(result).toMatchObject({ status: 'error' });
      expect(result.reason).toMatch(/\/remedy\/none/);
    });
  });

  it('gives up on a Prometheus that never answers, once, without retrying the wait', async () => {
    let requests = 0;
    const hanging = createServer(() => {
      requests++; // never answers
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as AddressInfo;
    try {
      const { PrometheusHttp } = await import('#adapters/prometheus/prometheus-http.js');
      const { prometheusEndpoint } = await import('#adapters/prometheus/endpoint.js');
      const endpoint = prometheusEndpoint({ endpoint: `http://127.0.0.1:${port}` }, 'us-east-1', {
        secret: async () => '',
        credentials: async () => LOCAL_CREDENTIALS,
        now: () => new Date(),
      });
      const prom = new PrometheusHttp({ resolve: async () => endpoint, timeoutMs: 300 });
      await expect(prom.instantQuery('prod', 'up')).rejects.toThrow(/unreachable: no answer within 300 ms/);
      expect(requests).toBe(1);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('escapes label values against the real PromQL parser: they come back byte for byte', async () => {
    const prom = client({ endpoint: prometheus.url });
    const value = 'a "quoted" \\ back\\slash\nnew line\ttab \u0001 ☃ \' single';
    for (const quote of ['"', "'"]) {
      const q = `label_replace(vector(1), "echo", ${quote}{{value}}${quote}, "", "")`;
      const { renderQuery } = await import('#domain/analysis/check.js');
      const rendered = renderQuery(q, { value });
      if (!rendered.ok) throw new Error(rendered.reason);
      const [sample] = await prom.instantQuery('prod', rendered.query);
      expect(sample?.metric.echo).toBe(value);
    }
  });

  it('keeps an injection attempt a value: no series matches it, nothing else is returned', async () => {
    const prom = client({ endpoint: prometheus.url });
    const attack = { service: 'x"} or vector(1) or absent(nothing{a="' };
    expect(await runCheck(check, attack, 'prod', prom)).toMatchObject({ status: 'empty' });
    exporter.set(METRIC, { service: 'web.1' }, 0.5);
    exporter.set(METRIC, { service: 'webx1' }, 0.5);
    await waitForValue(prometheus.url, `count(${METRIC}{service=~"web.1"})`, 2);
    const regex = { query: `count(${METRIC}{service=~"{{service}}"})`, condition: '== 1' };
    expect(await runCheck(regex, { service: 'web.1' }, 'prod', prom)).toMatchObject({
      status: 'true',
      value: 1,
    });
  });
});
