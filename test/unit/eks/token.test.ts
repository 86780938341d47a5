import { describe, expect, it } from 'vitest';
import {
  CLUSTER_ID_HEADER,
  createEksToken,
  stsRegionalHost,
  TOKEN_PREFIX,
  TOKEN_TTL_SECONDS,
  URL_EXPIRES_SECONDS,
} from '#adapters/eks/token.js';
import { ConfigError } from '#domain/errors.js';
import { caseFor, credentialsOf, decodeToken, golden, tokenOf } from './golden.js';

// aws-iam-authenticator's verifier whitelist: any other query parameter gets the token rejected.
const ALLOWED_QUERY_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const NOW = new Date(golden.clock);
const KEYS = { accessKeyId: golden.accessKeyId, secretAccessKey: golden.secretAccessKey };

describe('createEksToken structure (what aws-iam-authenticator verifies)', () => {
  it('is the prefix plus unpadded base64url of an https STS GetCallerIdentity URL', () => {
    // Prepare
    const input = { clusterName: 'sandbox', region: 'eu-west-1', credentials: KEYS, now: NOW };

    // Act
    const { token } = createEksToken(input);
    const url = decodeToken(token);

    // Assess
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.slice(TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('=');
    expect(token.length).toBeLessThanOrEqual(4096);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
  });

  it('carries only whitelisted query keys, each once, signing the cluster header for 60 seconds', () => {
    // Prepare
    const credentials = { ...KEYS, sessionToken: 'session/token+with=specials' };

    // Act
    const url = decodeToken(
      createEksToken({ clusterName: 'prod', region: 'us-east-1', credentials, now: NOW }).token,
    );
    const keys = [...url.searchParams.keys()].map((k) => k.toLowerCase());

    // Assess
    expect(keys.filter((k) => !ALLOWED_QUERY_KEYS.has(k))).toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['host', CLUSTER_ID_HEADER]);
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(URL_EXPIRES_SECONDS));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261125T120000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261125/us-east-1/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds X-Amz-Security-Token only when the credentials have a session token', () => {
    // Prepare
    const base = { clusterName: 'sandbox', region: 'us-east-1', now: NOW };

    // Act
    const without = decodeToken(createEksToken({ ...base, credentials: KEYS }).token);
    const withToken = decodeToken(
      createEksToken({ ...base, credentials: { ...KEYS, sessionToken: 'a/b+c=' } }).token,
    );

    // Assess
    expect(without.searchParams.has('X-Amz-Security-Token')).toBe(false);
    expect(withToken.searchParams.get('X-Amz-Security-Token')).toBe('a/b+c=');
    expect(withToken.search).toContain('X-Amz-Security-Token=a%2Fb%2Bc%3D&X-Amz-Signature=');
  });

  it('signs the cluster name, so a token for one cluster differs from another', () => {
    // Prepare
    const base = { region: 'us-east-1', credentials: KEYS, now: NOW };

    // Act
    const a = decodeToken(createEksToken({ ...base, clusterName: 'a' }).token);
    const b = decodeToken(createEksToken({ ...base, clusterName: 'b' }).token);

    // Assess
    expect(a.searchParams.get('X-Amz-Signature')).not.toBe(b.searchParams.get('X-Amz-Signature'));
  });
});

describe('createEksToken against tokens the aws CLI printed (test/fixtures/eks)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))(
    '%s: byte-identical token and expiry',
    (_name, c) => {
      // Prepare
      const expected = JSON.parse(c.stdout) as { status: { expirationTimestamp: string } };

      // Act
      const { token, expiresAt } = createEksToken({
        clusterName: golden.clusterName,
        region: c.region,
        credentials: credentialsOf(c),
        now: NOW,
      });

      // Assess
      expect(token).toBe(tokenOf(c.stdout));
      expect(expiresAt.toISOString().replace('.000Z', 'Z')).toBe(expected.status.expirationTimestamp);
    },
  );

  it('drops milliseconds like the CLI: 12:00:00.999 signs as 12:00:00 and expires 14 minutes after', () => {
    // Prepare
    const c = caseFor('us-east-1');
    const late = new Date(NOW.getTime() + 999);

    // Act
    const { token, expiresAt } = createEksToken({
      clusterName: 'sandbox',
      region: c.region,
      credentials: credentialsOf(c),
      now: late,
    });

    // Assess
    expect(token).toBe(tokenOf(c.stdout));
    expect(expiresAt.getTime() - NOW.getTime()).toBe(TOKEN_TTL_SECONDS * 1000);
  });
});

describe('createEksToken hosts and input checks', () => {
  it('uses the regional STS host, with the China suffix in cn- regions', () => {
    // Act
    const hosts = ['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1'].map(stsRegionalHost);

    // Assess
    expect(hosts).toEqual([
      'sts.us-east-1.amazonaws.com',
      'sts.eu-west-1.amazonaws.com',
      'sts.us-gov-west-1.amazonaws.com',
      'sts.cn-north-1.amazonaws.com.cn',
    ]);
  });

  it('signs for the given host (a VPC endpoint) but keeps the region in the credential scope', () => {
    // Prepare
    const stsHost = 'vpce-0abc-sts.eu-west-1.vpce.amazonaws.com';

    // Act
    const url = decodeToken(
      createEksToken({ clusterName: 'sandbox', region: 'eu-west-1', credentials: KEYS, now: NOW, stsHost })
        .token,
    );

    // Assess
    expect(url.host).toBe(stsHost);
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261125/eu-west-1/sts/aws4_request');
  });

  it.each([
    [
      'a cluster ARN',
      { clusterName: 'arn:aws:eks:us-east-1:123456789012:cluster/prod' },
      /needs the cluster's name/,
    ],
    ['a name with a space', { clusterName: 'my cluster' }, /invalid EKS cluster name/],
    ['an empty name', { clusterName: '' }, /invalid EKS cluster name/],
    ['a region that is a URL', { region: 'evil.com/x' }, /invalid AWS region/],
    ['an STS host with a path', { stsHost: 'sts.amazonaws.com/x?' }, /invalid STS host/],
    ['empty credentials', { credentials: { accessKeyId: '', secretAccessKey: '' } }, /credentials are empty/],
  ])('rejects %s with a ConfigError', (_name, override, message) => {
    // Prepare
    const input = { clusterName: 'sandbox', region: 'us-east-1', credentials: KEYS, now: NOW, ...override };

    // Act
    const act = () => createEksToken(input);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});
