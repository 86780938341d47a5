import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { type CredentialLookup, type SignedRequest, verifySigV4 } from '../../../infra/local/aws/sigv4.js';
import { signRequest, uriEncode } from '../../../infra/local/aws/sigv4-canonical.js';

// The AWS documentation's example key pair: the captured Alertmanager request below was signed with it.
const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const lookup: CredentialLookup = (id) => (id === AKID ? { secretAccessKey: SECRET } : undefined);
const NOW = new Date('2026-11-25T10:56:13Z');

// @smithy/signature-v4 (the JS SDK's signer) is the independent reference; it wants a hash constructor.
class NodeSha256 {
  #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined || typeof secret === 'string' ? secret : toBytes(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function smithySigner(service: string, region: string, sessionToken?: string): SignatureV4 {
  const credentials = sessionToken
    ? { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken }
    : { accessKeyId: AKID, secretAccessKey: SECRET };
  return new SignatureV4({ service, region, credentials, sha256: NodeSha256 });
}

const publishBody =
  'Action=Publish&Message=hello%20world&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts&Version=2010-03-31';

async function smithySignedPublish(
  options: { region?: string; service?: string; token?: string; date?: Date } = {},
) {
  const request: HttpRequest = {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4002,
    path: '/',
    query: {},
    headers: { host: '127.0.0.1:4002', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: publishBody,
  };
  const signer = smithySigner(options.service ?? 'sns', options.region ?? 'us-east-1', options.token);
  const signed = await signer.sign(request, { signingDate: options.date ?? NOW });
  return { method: 'POST', url: '/', headers: signed.headers, body: publishBody } satisfies SignedRequest;
}

const verifySns = (request: SignedRequest, now = NOW) =>
  verifySigV4(request, { service: 'sns', region: 'us-east-1', lookup, now });

describe('verifySigV4: header-signed requests', () => {
  it('accepts the Publish request captured from Alertmanager 0.25 (aws-sdk-go v1)', () => {
    // Prepare
    const capture = JSON.parse(
      readFileSync(new URL('fixtures/am-sns-json-publish.json', import.meta.url), 'utf8'),
    );
    const request = {
      method: capture.method,
      url: capture.path,
      headers: capture.headers,
      body: capture.body,
    };
    // Act
    const result = verifySns(request, new Date(capture.ts));
    // Assess
    expect(result).toMatchObject({
      ok: true,
      accessKeyId: AKID,
      region: 'us-east-1',
      service: 'sns',
      presigned: false,
    });
    expect(result.ok && result.signedHeaders).toEqual([
      'content-length',
      'content-type',
      'host',
      'x-amz-date',
    ]);
  });

  it('refuses the captured request once a byte of its body changed', () => {
    const capture = JSON.parse(
      readFileSync(new URL('fixtures/am-sns-json-publish.json', import.meta.url), 'utf8'),
    );
    const body = String(capture.body).replace('critical', 'critica1');
    const result = verifySns(
      { method: 'POST', url: '/', headers: capture.headers, body },
      new Date(capture.ts),
    );
    expect(result).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  it('matches the AWS SigV4 test suite vector get-vanilla', () => {
    const headers = {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    };
    const result = verifySigV4(
      { method: 'GET', url: '/', headers },
      { service: 'service', lookup, now: new Date('2015-08-30T12:36:00Z') },
    );
    expect(result.ok).toBe(true);
  });

  it('accepts what @smithy/signature-v4 signs, with and without a session token', async () => {
    const plain = await smithySignedPublish();
    const temporary = await smithySignedPublish({ token: 'session-token' });
    const tokenLookup: CredentialLookup = (id) =>
      id === AKID ? { secretAccessKey: SECRET, sessionToken: 'session-token' } : undefined;
    expect(verifySns(plain).ok).toBe(true);
    expect(
      verifySigV4(temporary, { service: 'sns', region: 'us-east-1', lookup: tokenLookup, now: NOW }).ok,
    ).toBe(true);
  });

  it('produces the same Authorization header as @smithy/signature-v4 when it signs', async () => {
    // Prepare: smithy adds x-amz-content-sha256; sign the same header set it signed.
    const reference = await smithySignedPublish();
    const { authorization, 'x-amz-date': _date, ...headers } = reference.headers;
    // Act
    const ours = signRequest(
      { method: 'POST', path: '/', headers, body: publishBody },
      { accessKeyId: AKID, secretAccessKey: SECRET },
      { region: 'us-east-1', service: 'sns', now: NOW },
    );
    // Assess
    expect(authorization).toContain('x-amz-content-sha256');
    expect(ours.authorization).toBe(authorization);
  });

  it.each([
    ['an unknown access key', { lookup: () => undefined }, 'unknown-key', 'InvalidClientTokenId'],
    ['another region', { region: 'eu-west-1' }, 'wrong-region', 'SignatureDoesNotMatch'],
    ['another service', { service: 'sqs' }, 'wrong-service', 'SignatureDoesNotMatch'],
  ] as const)('refuses a request signed for %s', async (_what, override, reason, code) => {
    const request = await smithySignedPublish();
    const result = verifySigV4(request, {
      service: 'sns',
      region: 'us-east-1',
      lookup,
      now: NOW,
      ...override,
    });
    expect(result).toMatchObject({ ok: false, reason, code, status: 403 });
  });

  it('refuses a token the credentials do not have, and a missing one they need', async () => {
    const withToken = await smithySignedPublish({ token: 'forged' });
    const needsToken: CredentialLookup = () => ({ secretAccessKey: SECRET, sessionToken: 'real' });
    expect(verifySns(withToken)).toMatchObject({
      ok: false,
      reason: 'invalid-token',
      code: 'InvalidClientTokenId',
    });
    const plain = await smithySignedPublish();
    expect(verifySigV4(plain, { service: 'sns', lookup: needsToken, now: NOW })).toMatchObject({
      reason: 'invalid-token',
    });
  });

  it('refuses a request dated more than 15 minutes away, either way, like AWS ("Signature expired")', async () => {
    const request = await smithySignedPublish();
    const late = verifySns(request, new Date(NOW.getTime() + 16 * 60_000));
    const early = verifySns(request, new Date(NOW.getTime() - 16 * 60_000));
    const inTime = verifySns(request, new Date(NOW.getTime() + 14 * 60_000));
    expect(late).toMatchObject({ ok: false, reason: 'expired', code: 'SignatureDoesNotMatch' });
    expect(late.ok || late.message).toMatch(/^Signature expired: 20261125T105613Z is now earlier than/);
    expect(early).toMatchObject({ ok: false, reason: 'not-yet-valid' });
    expect(inTime.ok).toBe(true);
  });

  it('says what is missing from an incomplete Authorization header, and when there is none', () => {
    const partial = verifySns({
      method: 'POST',
      url: '/',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' },
    });
    const none = verifySns({ method: 'POST', url: '/', headers: {} });
    expect(partial).toMatchObject({
      ok: false,
      reason: 'malformed',
      code: 'IncompleteSignature',
      status: 400,
    });
    expect(partial.ok || partial.message).toContain("requires 'SignedHeaders' parameter");
    expect(none).toMatchObject({
      ok: false,
      reason: 'missing',
      code: 'MissingAuthenticationToken',
      status: 403,
    });
  });
});

describe('verifySigV4: presigned URLs', () => {
  // The shape of an EKS token's URL: STS GetCallerIdentity, presigned for 60 s, x-k8s-aws-id signed as a header.
  async function presignedGetCallerIdentity(date = NOW) {
    const signer = smithySigner('sts', 'us-east-1');
    const request: HttpRequest = {
      method: 'GET',
      protocol: 'https:',
      hostname: 'sts.us-east-1.amazonaws.com',
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'prod-cluster' },
    };
    const signed = await signer.presign(request, { expiresIn: 60, signingDate: date });
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${uriEncode(name)}=${uriEncode(String(value))}`)
      .join('&');
    return {
      url: `/?${query}`,
      headers: { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'prod-cluster' },
    };
  }
  const verifySts = (request: { url: string; headers: Record<string, string> }, now = NOW) =>
    verifySigV4({ method: 'GET', ...request }, { service: 'sts', region: 'us-east-1', lookup, now });

  it('accepts a presigned GetCallerIdentity URL and reports its expiry', async () => {
    const request = await presignedGetCallerIdentity();
    const result = verifySts(request);
    expect(result).toMatchObject({ ok: true, presigned: true, service: 'sts' });
    expect(result.ok && result.signedHeaders).toContain('x-k8s-aws-id');
    expect(result.ok && result.expiresAt?.toISOString()).toBe('2026-11-25T10:57:13.000Z');
  });

  it('refuses it for another cluster id (a signed header) and after X-Amz-Expires', async () => {
    const request = await presignedGetCallerIdentity();
    const otherCluster = verifySts({ ...request, headers: { ...request.headers, 'x-k8s-aws-id': 'other' } });
    const expired = verifySts(request, new Date(NOW.getTime() + 61_000));
    expect(otherCluster).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(expired).toMatchObject({ ok: false, reason: 'expired', code: 'RequestExpired', status: 400 });
  });

  it('accepts a presigned URL whose payload hash is UNSIGNED-PAYLOAD (S3-style signers)', async () => {
    const signer = smithySigner('sts', 'us-east-1');
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'sts.us-east-1.amazonaws.com',
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: 'sts.us-east-1.amazonaws.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { expiresIn: 900, signingDate: NOW },
    );
    const query = Object.entries(signed.query ?? {}).map(
      ([n, v]) => `${uriEncode(n)}=${uriEncode(String(v))}`,
    );
    const result = verifySts({
      url: `/?${query.join('&')}`,
      headers: { host: 'sts.us-east-1.amazonaws.com' },
    });
    expect(result.ok).toBe(true);
  });
});
