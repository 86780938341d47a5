import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { amzDate, presignGet, uriEncode } from '#adapters/eks/presign.js';
import { KEYS, NodeSha256 } from '../../support/sigv4-reference.js';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('presignGet', () => {
  it.each([
    ['long-term keys', KEYS],
    ['session credentials', { ...KEYS, sessionToken: 'IQoJ/session+token==' }],
  ])('computes the same signature as @smithy/signature-v4 with %s', async (_name, credentials) => {
    // Prepare
    const host = 'sts.eu-west-1.amazonaws.com';
    const signer = new SignatureV4({ service: 'sts', region: 'eu-west-1', credentials, sha256: NodeSha256 });
    const request = {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, 'x-k8s-aws-id': 'sandbox' },
    };

    // Act
    const ours = new URL(
      presignGet({
        host,
        path: '/',
        query: [
          ['Action', 'GetCallerIdentity'],
          ['Version', '2011-06-15'],
        ],
        headers: { 'x-k8s-aws-id': 'sandbox' },
        service: 'sts',
        region: 'eu-west-1',
        credentials,
        now: NOW,
        expiresSeconds: 60,
      }),
    );
    const reference = await signer.presign(request, { expiresIn: 60, signingDate: NOW });

    // Assess
    expect(reference.query?.['X-Amz-SignedHeaders']).toBe('host;x-k8s-aws-id');
    expect(ours.searchParams.get('X-Amz-Signature')).toBe(reference.query?.['X-Amz-Signature']);
  });

  it('refuses a second host header, which would sign something the client does not send', () => {
    // Act
    const act = () =>
      presignGet({
        host: 'sts.us-east-1.amazonaws.com',
        path: '/',
        query: [],
        headers: { Host: 'evil.example' },
        service: 'sts',
        region: 'us-east-1',
        credentials: KEYS,
        now: NOW,
        expiresSeconds: 60,
      });

    // Assess
    expect(act).toThrow(/duplicate signed header host/);
  });
});

describe('SigV4 helpers', () => {
  it('percent-encodes everything but A-Z a-z 0-9 - _ . ~, including the characters encodeURIComponent keeps', () => {
    // Act
    const encoded = uriEncode("a-_.~ /+=!'()*é");

    // Assess
    expect(encoded).toBe('a-_.~%20%2F%2B%3D%21%27%28%29%2A%C3%A9');
  });

  it('formats X-Amz-Date in basic ISO 8601 with whole seconds', () => {
    // Act
    const formatted = amzDate(new Date('2026-01-02T03:04:05.678Z'));

    // Assess
    expect(formatted).toBe('20260102T030405Z');
  });
});
