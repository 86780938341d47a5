import { describe, expect, it } from 'vitest';
import { rewriteToken } from './eks-token-fixture.js';
import { MINUTE, refusal, SIGNED_AT, setup } from './verifier-setup.js';

// Appends "A"s until the base64 part's length modulo 4 is `remainder`.
function withEncodedLength(token: string, remainder: number): string {
  let out = token;
  while ((out.length - 'k8s-aws-v1.'.length) % 4 !== remainder) out += 'A';
  return out;
}

describe('EKS token format rules (refused before STS is asked)', () => {
  it.each([
    ['a token over 4096 bytes', (t: string) => t + 'A'.repeat(4096), 'too-long'],
    ['another prefix', (t: string) => t.replace('k8s-aws-v1.', 'k8s-aws-v2.'), 'bad-prefix'],
    ['base64 padding', (t: string) => `${t}==`, 'bad-base64'],
    ['standard-alphabet base64', (t: string) => `${t.slice(0, -1)}+`, 'bad-base64'],
    ['an impossible base64 length (4n+1)', (t: string) => withEncodedLength(t, 1), 'bad-base64'],
  ])('refuses %s', async (_, tamper, reason) => {
    // Prepare
    const { verify, token } = setup();
    const tampered = tamper(await token());

    // Act
    const verdict = refusal(verify(tampered));

    // Assess
    expect(verdict.reason).toBe(reason);
  });

  it.each([
    [
      'an http URL',
      (u: string) => u.replace('https://', 'http://'),
      'bad-scheme',
      'unexpected scheme "http"',
    ],
    [
      'another region',
      (u: string) => u.replace('sts.us-east-1', 'sts.us-west-2'),
      'bad-host',
      'sts.us-west-2',
    ],
    [
      'a non-STS host',
      (u: string) => u.replace('sts.us-east-1.amazonaws.com', 'evil.example.com'),
      'bad-host',
      'evil',
    ],
    [
      'an explicit port',
      (u: string) => u.replace('.amazonaws.com/', '.amazonaws.com:443/'),
      'bad-host',
      ':443',
    ],
    ['another path', (u: string) => u.replace('.com/?', '.com/x?'), 'bad-path', 'unexpected path'],
    ['an extra query parameter', (u: string) => `${u}&RoleArn=x`, 'unknown-param', '"RoleArn"'],
    [
      'a duplicate parameter (case-insensitive)',
      (u: string) => `${u}&action=GetCallerIdentity`,
      'duplicate-param',
      'action',
    ],
    ['a repeated parameter', (u: string) => `${u}&Version=2011-06-15`, 'duplicate-param', 'Version'],
    [
      'another action',
      (u: string) => u.replace('Action=GetCallerIdentity', 'Action=AssumeRole'),
      'bad-action',
      'action',
    ],
    [
      'a missing X-Amz-Date',
      (u: string) => u.replace(/&?X-Amz-Date=[^&]*/, ''),
      'missing-date',
      'X-Amz-Date',
    ],
    [
      'an unparsable X-Amz-Date',
      (u: string) => u.replace(/X-Amz-Date=[^&]*/, 'X-Amz-Date=yesterday'),
      'bad-date',
      'yesterday',
    ],
    [
      'a non-integer X-Amz-Expires',
      (u: string) => u.replace('X-Amz-Expires=60', 'X-Amz-Expires=1m'),
      'bad-expires',
      '1m',
    ],
  ])('refuses %s', async (_, edit, reason, inMessage) => {
    // Prepare
    const { verify, token } = setup();
    const tampered = rewriteToken(await token(), edit);

    // Act
    const verdict = refusal(verify(tampered));

    // Assess
    expect(verdict.reason).toBe(reason);
    expect(verdict.message).toContain(inMessage);
  });

  it('refuses a token whose signature does not cover x-k8s-aws-id', async () => {
    // Prepare
    const { verify, token } = setup();

    // Act
    const verdict = refusal(verify(await token({ signClusterId: false })));

    // Assess
    expect(verdict).toMatchObject({
      reason: 'cluster-id-not-signed',
      message: expect.stringContaining('x-k8s-aws-id'),
    });
  });

  it('refuses X-Amz-Expires above 900 even though the signature is valid', async () => {
    // Prepare
    const { verify, token } = setup();

    // Act
    const verdict = refusal(verify(await token({ expiresIn: 901 })));

    // Assess
    expect(verdict).toMatchObject({ reason: 'bad-expires', message: expect.stringContaining('901') });
  });

  it('refuses a token whose X-Amz-Date is more than 15 minutes old', async () => {
    // Prepare
    const { verify, token } = setup(new Date(SIGNED_AT.getTime() + 15 * MINUTE + 1000));

    // Act
    const verdict = refusal(verify(await token()));

    // Assess
    expect(verdict).toMatchObject({
      reason: 'expired',
      message: expect.stringContaining('15 minute expiration'),
    });
  });
});
