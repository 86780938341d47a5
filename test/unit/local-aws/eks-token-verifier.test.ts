import { describe, expect, it } from 'vitest';
import { CredentialStore } from '../../../infra/local/aws/credential-store.js';
import { createEksTokenAuthenticator } from '../../../infra/local/aws/eks-token-verifier.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { createEksToken } from '../../../shared/adapters/eks/token.js';
import { makeEksToken, rewriteToken, tokenFromUrl, urlFromToken } from './eks-token-fixture.js';
import { CLUSTER, MINUTE, REGION, refusal, SIGNED_AT, setup } from './verifier-setup.js';

describe('EKS token verifier: accepted tokens', () => {
  it('accepts a token signed with the base credentials and says whose it is', async () => {
    // Prepare
    const { verify, token } = setup();

    // Act
    const verdict = verify(await token());

    // Assess
    expect(verdict).toEqual({
      ok: true,
      accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      identity: expect.objectContaining({ arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local` }),
    });
  });

  it('accepts a token from assumed-role credentials (X-Amz-Security-Token) as the role session', async () => {
    // Prepare
    const { store, verify, token } = setup();
    const issued = store.issue(
      { arn: 'arn:aws:iam::210987654321:role/remedy' },
      'remedy-lambda',
      3600,
      SIGNED_AT,
    );

    // Act
    const verdict = verify(await token({ credentials: issued }));

    // Assess
    expect(verdict.ok && verdict.identity?.arn).toBe(
      'arn:aws:sts::210987654321:assumed-role/remedy/remedy-lambda',
    );
  });

  it('accepts the global STS host (signed for us-east-1) and a token 14 minutes old despite X-Amz-Expires=60', async () => {
    // Prepare
    const { verify, token } = setup(new Date(SIGNED_AT.getTime() + 14 * MINUTE));

    // Act
    const global = verify(await token({ host: 'sts.amazonaws.com' }));
    const old = verify(await token());

    // Assess
    expect([global.ok, old.ok]).toEqual([true, true]);
  });

  it("accepts the token of remedy's own adapter (shared/adapters/eks/token.ts), as EKS would", () => {
    // Prepare
    const { verify } = setup();
    const { token } = createEksToken({
      clusterName: CLUSTER,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
      now: SIGNED_AT,
    });

    // Act
    const verdict = verify(token);

    // Assess
    expect(verdict).toMatchObject({ ok: true, accessKeyId: LOCAL_CREDENTIALS.accessKeyId });
  });
});

describe('EKS token verifier: refusals from STS', () => {
  it('refuses a token made for another cluster: STS finds the signature wrong', async () => {
    // Prepare
    const { verify, token } = setup();

    // Act
    const verdict = refusal(verify(await token({ clusterName: 'production' })));

    // Assess
    expect(verdict).toMatchObject({
      reason: 'sts-refused',
      sts: { reason: 'bad-signature', code: 'SignatureDoesNotMatch' },
    });
    expect(verdict.message).toContain('expected 200, got 403');
  });

  it.each([
    [
      'a tampered signature',
      (u: string) =>
        u.replace(/X-Amz-Signature=([0-9a-f])/, (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`),
    ],
    ['a removed signature', (u: string) => u.replace(/&?X-Amz-Signature=[^&]*/, '')],
    ['a changed Version (signed)', (u: string) => u.replace('Version=2011-06-15', 'Version=2011-06-16')],
  ])('refuses %s with an STS signature error', async (_, edit) => {
    // Prepare
    const { verify, token } = setup();

    // Act
    const verdict = refusal(verify(rewriteToken(await token(), edit)));

    // Assess
    expect(verdict.reason).toBe('sts-refused');
    expect(verdict.sts?.code).toMatch(/SignatureDoesNotMatch|IncompleteSignature/);
  });

  it('refuses an unknown access key with InvalidClientTokenId', async () => {
    // Prepare
    const { verify, token } = setup();
    const stranger = { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 'whatever' };

    // Act
    const verdict = refusal(verify(await token({ credentials: stranger })));

    // Assess
    expect(verdict).toMatchObject({
      reason: 'sts-refused',
      sts: { reason: 'unknown-key', code: 'InvalidClientTokenId' },
    });
  });

  it('refuses a token from temporary credentials that have since expired with ExpiredToken', async () => {
    // Prepare
    const { store, verify, token } = setup(new Date(SIGNED_AT.getTime() + 2 * MINUTE));
    const issued = store.issue({ arn: 'arn:aws:iam::123456789012:role/r' }, 'short', 60, SIGNED_AT);

    // Act
    const verdict = refusal(verify(await token({ credentials: issued })));

    // Assess
    expect(verdict).toMatchObject({ reason: 'sts-refused', sts: { code: 'ExpiredToken' } });
  });

  it('refuses temporary credentials presented without their session token', async () => {
    // Prepare
    const { store, verify, token } = setup();
    const { accessKeyId, secretAccessKey } = store.issue(
      { arn: 'arn:aws:iam::123456789012:role/r' },
      's1',
      900,
      SIGNED_AT,
    );

    // Act
    const verdict = refusal(verify(await token({ credentials: { accessKeyId, secretAccessKey } })));

    // Assess
    expect(verdict).toMatchObject({
      reason: 'sts-refused',
      sts: { reason: 'invalid-token', code: 'InvalidClientTokenId' },
    });
  });
});

describe('createEksTokenAuthenticator', () => {
  it('resolves true for a valid token, false otherwise, and reports each refusal', async () => {
    // Prepare
    const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
    const refusals: string[] = [];
    const authenticate = createEksTokenAuthenticator({
      clusterName: CLUSTER,
      region: REGION,
      lookup: store.lookup,
      now: () => new Date(SIGNED_AT.getTime() + MINUTE),
      onRefusal: (r) => refusals.push(r.reason),
    });
    const good = await makeEksToken({
      clusterName: CLUSTER,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
      now: SIGNED_AT,
    });

    // Act
    const results = [
      await authenticate(good),
      await authenticate('not-a-token'),
      await authenticate(tokenFromUrl(urlFromToken(good).replace('https:', 'http:'))),
    ];

    // Assess
    expect(results).toEqual([true, false, false]);
    expect(refusals).toEqual(['bad-prefix', 'bad-scheme']);
  });
});
