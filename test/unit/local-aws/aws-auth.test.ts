import { describe, expect, it } from 'vitest';
import { authenticateAwsRequest } from '../../../infra/local/aws/aws-auth.js';
import { CredentialStore } from '../../../infra/local/aws/credential-store.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { signRequest } from '../../../infra/local/aws/sigv4-canonical.js';
import { presignCallerIdentity } from './eks-token-fixture.js';

const REGION = 'us-east-1';
const SIGNED_AT = new Date('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const HOST = 'sts.us-east-1.amazonaws.com';
const ROLE = { arn: 'arn:aws:iam::123456789012:role/remedy' };

// A presigned GetCallerIdentity as the token verifier replays it.
async function presignedRequest(
  credentials = LOCAL_CREDENTIALS as { accessKeyId: string; secretAccessKey: string },
) {
  const url = await presignCallerIdentity({ clusterName: 'c', region: REGION, credentials, now: SIGNED_AT });
  return {
    method: 'GET',
    url: url.slice(`https://${HOST}`.length),
    headers: { host: HOST, 'x-k8s-aws-id': 'c' },
  };
}

function headerSigned(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const headers = signRequest(
    {
      method: 'POST',
      path: '/',
      headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
    credentials,
    { region: REGION, service: 'sts', now: SIGNED_AT },
  );
  return { method: 'POST', url: '/', headers, body };
}

describe('authenticateAwsRequest', () => {
  it('gives STS presigned URLs 15 minutes from X-Amz-Date, ignoring X-Amz-Expires', async () => {
    // Prepare
    const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
    const request = await presignedRequest();
    const at = (minutes: number) => new Date(SIGNED_AT.getTime() + minutes * MINUTE);

    // Act
    const fresh = authenticateAwsRequest(request, {
      service: 'sts',
      region: REGION,
      lookup: store.lookup,
      now: at(14),
    });
    const stale = authenticateAwsRequest(request, {
      service: 'sts',
      region: REGION,
      lookup: store.lookup,
      now: at(16),
    });

    // Assess
    expect(fresh).toMatchObject({
      ok: true,
      presigned: true,
      identity: { arn: 'arn:aws:iam::123456789012:user/local' },
    });
    expect(stale).toMatchObject({ ok: false, reason: 'expired', code: 'SignatureDoesNotMatch', status: 403 });
    expect(stale.ok || stale.message).toMatch(/^Signature expired: 20261125T100000Z is now earlier than/);
  });

  it('answers ExpiredToken for temporary credentials past their expiration, before checking the signature', () => {
    // Prepare
    const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
    const issued = store.issue(ROLE, 'sess', 900, new Date(SIGNED_AT.getTime() - 20 * MINUTE));

    // Act
    const verdict = authenticateAwsRequest(headerSigned(issued), {
      service: 'sts',
      region: REGION,
      lookup: store.lookup,
      now: SIGNED_AT,
    });

    // Assess
    expect(verdict).toEqual({
      ok: false,
      reason: 'expired-token',
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      status: 403,
    });
  });

  it('accepts live temporary credentials and reports the assumed-role identity', () => {
    // Prepare
    const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
    const issued = store.issue(ROLE, 'sess', 900, SIGNED_AT);

    // Act
    const verdict = authenticateAwsRequest(headerSigned(issued), {
      service: 'sts',
      region: REGION,
      lookup: store.lookup,
      now: SIGNED_AT,
    });

    // Assess
    expect(verdict).toMatchObject({
      ok: true,
      presigned: false,
      accessKeyId: issued.accessKeyId,
      identity: { arn: 'arn:aws:sts::123456789012:assumed-role/remedy/sess' },
    });
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', () => {
    // Prepare
    const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
    const options = { service: 'sts', region: REGION, lookup: store.lookup, now: SIGNED_AT };

    // Act
    const wrongSecret = authenticateAwsRequest(
      headerSigned({ ...LOCAL_CREDENTIALS, secretAccessKey: 'x' }),
      options,
    );
    const unknown = authenticateAwsRequest(
      headerSigned({ accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' }),
      options,
    );

    // Assess
    expect([wrongSecret.ok || wrongSecret.code, unknown.ok || unknown.code]).toEqual([
      'SignatureDoesNotMatch',
      'InvalidClientTokenId',
    ]);
  });
});
