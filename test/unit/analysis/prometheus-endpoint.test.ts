import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest } from '#adapters/aws/sigv4-sign.js';
import {
  prometheusEndpoint,
  regionOfAmpHost,
  resolvePrometheusEndpoint,
} from '#adapters/prometheus/endpoint.js';
import { parseSampleValue } from '#adapters/prometheus/prometheus-http.js';
import { PrometheusUnavailableError } from '#domain/analysis/errors.js';
import { prometheusFromEnv } from '#domain/analysis/prometheus-settings.js';
import { clusterEntrySchema, prometheusTargetSchema } from '#domain/cluster/registry.js';
import { entryFromFlags } from '../../../shared/cli/cluster-entries.js';
import { KEYS, NodeSha256 } from '../../support/sigv4-reference.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const deps = {
  secret: async (name: string) => ({ '/u': 'remedy', '/p': 'p@ss:word', '/t': 'tok' })[name] ?? 'unknown',
  credentials: async () => KEYS,
  now: () => NOW,
};

describe('SigV4 header signing (aps)', () => {
  it.each([
    ['long-term keys', KEYS],
    ['session credentials', { ...KEYS, sessionToken: 'IQoJ/session+token==' }],
  ])('matches @smithy/signature-v4 with %s', async (_name, credentials) => {
    const url = new URL(
      'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/query?a=b c&x=1',
    );
    const body = 'query=up%7Bjob%3D%22a%22%7D&timeout=10s';
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const mine = signRequest({
      method: 'POST',
      url,
      headers,
      body,
      service: 'aps',
      region: 'eu-west-1',
      credentials,
      now: NOW,
    });
    const signer = new SignatureV4({
      service: 'aps',
      region: 'eu-west-1',
      credentials,
      sha256: NodeSha256,
      // Non-S3 services do not need x-amz-content-sha256; the Go signer Prometheus itself uses omits it too.
      applyChecksum: false,
    });
    const reference = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: NOW },
    );
    expect(mine.authorization).toBe(reference.headers.authorization);
    expect(mine['x-amz-date']).toBe(reference.headers['x-amz-date']);
    expect(mine['x-amz-security-token']).toBe(reference.headers['x-amz-security-token']);
  });

  it('takes the region from an AMP host name', () => {
    expect(regionOfAmpHost('aps-workspaces.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOfAmpHost('aps-workspaces-fips.us-gov-west-1.amazonaws.com')).toBe('us-gov-west-1');
    expect(regionOfAmpHost('prometheus.example.com')).toBeUndefined();
  });
});

describe('endpoints and their auth', () => {
  const request = { method: 'POST', url: new URL('http://127.0.0.1:9090/api/v1/query'), headers: {} };

  it('sends basic and bearer credentials from the named secrets', async () => {
    const basic = prometheusEndpoint(
      {
        endpoint: 'https://p.example.com/',
        auth: { type: 'basic', usernameParameter: '/u', passwordParameter: '/p' },
      },
      'us-east-1',
      deps,
    );
    expect(basic.url).toBe('https://p.example.com');
    expect(await basic.authorize(request)).toEqual({
      authorization: `Basic ${Buffer.from('remedy:p@ss:word').toString('base64')}`,
    });
    const bearer = prometheusEndpoint(
      { endpoint: 'https://p.example.com', auth: { type: 'bearer', tokenParameter: '/t' } },
      'us-east-1',
      deps,
    );
    expect(await bearer.authorize(request)).toEqual({ authorization: 'Bearer tok' });
    expect(
      await prometheusEndpoint({ endpoint: 'http://p:9090' }, 'us-east-1', deps).authorize(request),
    ).toEqual({});
  });

  it('prefers the registry entry, then the default, else refuses naming the fix', async () => {
    const registry = {
      get: async (name: string) =>
        name === 'prod'
          ? clusterEntrySchema.parse({
              name,
              eksClusterName: 'prod',
              region: 'eu-west-1',
              prometheus: { endpoint: 'https://amp' },
            })
          : undefined,
    };
    const fallback = { endpoint: 'http://central:9090' };
    expect(
      (await resolvePrometheusEndpoint('prod', { registry, fallback, region: 'us-east-1' }, deps)).url,
    ).toBe('https://amp');
    expect(
      (await resolvePrometheusEndpoint('dev', { registry, fallback, region: 'us-east-1' }, deps)).url,
    ).toBe('http://central:9090');
    await expect(resolvePrometheusEndpoint('dev', { registry, region: 'us-east-1' }, deps)).rejects.toThrow(
      PrometheusUnavailableError,
    );
  });

  it('refuses credentials over plain http except to loopback, and embedded credentials', () => {
    const refused = (input: unknown) => !prometheusTargetSchema.safeParse(input).success;
    expect(
      refused({
        endpoint: 'http://prometheus.monitoring:9090',
        auth: { type: 'bearer', tokenParameter: '/t' },
      }),
    ).toBe(true);
    expect(
      refused({ endpoint: 'http://127.0.0.1:9090', auth: { type: 'bearer', tokenParameter: '/t' } }),
    ).toBe(false);
    expect(refused({ endpoint: 'http://prometheus.monitoring:9090' })).toBe(false);
    expect(refused({ endpoint: 'https://user:pw@p.example.com' })).toBe(true);
    expect(refused({ endpoint: 'https://p.example.com?x=1' })).toBe(true);
    expect(refused({ endpoint: 'ftp://p.example.com' })).toBe(true);
    expect(refused({ endpoint: 'https://p', auth: { type: 'basic', usernameParameter: '/u' } })).toBe(true);
  });

  it('parses Go number formats', () => {
    expect(parseSampleValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('1e-3')).toBe(0.001);
    expect(() => parseSampleValue('')).toThrow(/unreadable/);
  });
});

describe('configuration', () => {
  it('reads the default Prometheus from the environment, failing closed on half an auth', () => {
    expect(prometheusFromEnv({})).toBeUndefined();
    expect(prometheusFromEnv({ PROMETHEUS_URL: 'http://p:9090' })).toEqual({ endpoint: 'http://p:9090' });
    expect(
      prometheusFromEnv({
        PROMETHEUS_URL: 'https://amp',
        PROMETHEUS_AUTH: 'sigv4',
        PROMETHEUS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      endpoint: 'https://amp',
      auth: { type: 'sigv4', region: 'eu-west-1' },
    });
    expect(() =>
      prometheusFromEnv({
        PROMETHEUS_URL: 'https://p',
        PROMETHEUS_AUTH: 'basic',
        PROMETHEUS_USERNAME_PARAMETER: '/u',
      }),
    ).toThrow('PROMETHEUS_AUTH=basic needs PROMETHEUS_PASSWORD_PARAMETER');
    expect(() => prometheusFromEnv({ PROMETHEUS_AUTH: 'bearer' })).toThrow('needs PROMETHEUS_URL');
  });

  it("takes a cluster entry's Prometheus from `clusters put` flags, naming a bad flag", () => {
    const base = { name: 'prod', 'eks-cluster-name': 'prod', region: 'eu-west-1' };
    expect(
      entryFromFlags(
        {
          ...base,
          'prometheus-url': 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1',
          'prometheus-auth': 'sigv4',
        },
        'usage',
      ).prometheus,
    ).toEqual({
      endpoint: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1',
      auth: { type: 'sigv4' },
    });
    expect(() => entryFromFlags({ ...base, 'prometheus-auth': 'sigv4' }, 'usage')).toThrow(
      '--prometheus-url required with --prometheus-auth',
    );
    expect(() =>
      entryFromFlags({ ...base, 'prometheus-url': 'https://p', 'prometheus-auth': 'digest' }, 'usage'),
    ).toThrow(/--prometheus-auth: must be/);
    expect(() =>
      entryFromFlags(
        {
          ...base,
          'prometheus-url': 'https://p',
          'prometheus-auth': 'bearer',
          'prometheus-token-parameter': 'bad name!',
        },
        'usage',
      ),
    ).toThrow(/--prometheus-token-parameter: must be an SSM parameter name/);
  });
});
