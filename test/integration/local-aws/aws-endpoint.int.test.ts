import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { presignCallerIdentity } from '../../unit/local-aws/eks-token-fixture.js';
import { clientConfig, credentialsOf, rejection } from './sdk-helpers.js';

const ROLE_ARN = 'arn:aws:iam::210987654321:role/remedy-cross-account';
const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);
const MINUTE = 60_000;

describe('local AWS endpoint with the real SDK clients', () => {
  let endpoint: AwsEndpoint;
  // The endpoint's clock runs `skew` ms ahead, so a test can make issued credentials expire.
  const clock = { skew: 0 };

  beforeAll(async () => {
    endpoint = await startAwsEndpoint({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      clusters: [{ name: 'sandbox', endpoint: 'https://127.0.0.1:6443', caData: CA_DATA, version: '1.31' }],
      roles: [{ arn: ROLE_ARN }],
      now: () => new Date(Date.now() + clock.skew),
    });
  });

  afterAll(async () => {
    await endpoint?.close();
  });

  it('answers EKS DescribeCluster with the cluster, and ResourceNotFoundException for an unknown one', async () => {
    // Prepare
    const eks = new EKSClient(clientConfig(endpoint.url, LOCAL_CREDENTIALS));

    // Act
    const found = await eks.send(new DescribeClusterCommand({ name: 'sandbox' }));
    const missing = await rejection(eks.send(new DescribeClusterCommand({ name: 'nope' })));

    // Assess
    expect(found.cluster).toMatchObject({
      name: 'sandbox',
      arn: `arn:aws:eks:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:cluster/sandbox`,
      endpoint: 'https://127.0.0.1:6443',
      certificateAuthority: { data: CA_DATA },
      status: 'ACTIVE',
      version: '1.31',
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      resourcesVpcConfig: { endpointPublicAccess: true },
    });
    expect(found.cluster?.createdAt).toBeInstanceOf(Date);
    expect(missing).toEqual({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: nope.',
      status: 404,
    });
  });

  it('refuses EKS calls with a wrong secret or an unknown key, in REST-JSON terms', async () => {
    // Prepare
    const wrongSecret = new EKSClient(
      clientConfig(endpoint.url, { ...LOCAL_CREDENTIALS, secretAccessKey: 'wrong' }),
    );
    const unknownKey = new EKSClient(
      clientConfig(endpoint.url, { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' }),
    );

    // Act
    const signature = await rejection(wrongSecret.send(new DescribeClusterCommand({ name: 'sandbox' })));
    const key = await rejection(unknownKey.send(new DescribeClusterCommand({ name: 'sandbox' })));

    // Assess
    expect([signature.name, signature.status]).toEqual(['InvalidSignatureException', 403]);
    expect([key.name, key.status, key.message]).toEqual([
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    ]);
  });

  it('issues credentials with STS AssumeRole that then sign STS and EKS calls as the role session', async () => {
    // Prepare
    const sts = new STSClient(clientConfig(endpoint.url, LOCAL_CREDENTIALS));

    // Act
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'remedy-int' }),
    );
    const c = assumed.Credentials;
    const credentials = credentialsOf(c);
    const identity = await new STSClient(clientConfig(endpoint.url, credentials)).send(
      new GetCallerIdentityCommand({}),
    );
    const cluster = await new EKSClient(clientConfig(endpoint.url, credentials)).send(
      new DescribeClusterCommand({ name: 'sandbox' }),
    );
    const base = await sts.send(new GetCallerIdentityCommand({}));

    // Assess
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    const expiresIn = (c?.Expiration?.getTime() ?? 0) - Date.now();
    expect(expiresIn).toBeGreaterThan(59 * MINUTE);
    expect(expiresIn).toBeLessThanOrEqual(60 * MINUTE);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::210987654321:assumed-role/remedy-cross-account/remedy-int',
    );
    expect(identity).toMatchObject({
      Account: '210987654321',
      Arn: 'arn:aws:sts::210987654321:assumed-role/remedy-cross-account/remedy-int',
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:remedy-int$/),
    });
    expect(cluster.cluster?.name).toBe('sandbox');
    expect(base).toMatchObject({
      Account: LOCAL_ACCOUNT_ID,
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local`,
    });
    expect(endpoint.calls).toContainEqual(
      expect.objectContaining({
        service: 'sts',
        action: 'AssumeRole',
        roleSessionName: 'remedy-int',
        status: 200,
      }),
    );
  });

  it('refuses STS calls: AccessDenied for an unknown role, SignatureDoesNotMatch for a wrong secret', async () => {
    // Prepare
    const sts = new STSClient(clientConfig(endpoint.url, LOCAL_CREDENTIALS));
    const wrongSecret = new STSClient(
      clientConfig(endpoint.url, { ...LOCAL_CREDENTIALS, secretAccessKey: 'wrong' }),
    );
    const otherRole = 'arn:aws:iam::123456789012:role/not-there';

    // Act
    const denied = await rejection(
      sts.send(new AssumeRoleCommand({ RoleArn: otherRole, RoleSessionName: 'x1' })),
    );
    const badSignature = await rejection(wrongSecret.send(new GetCallerIdentityCommand({})));

    // Assess
    expect(denied).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local is not authorized to perform: sts:AssumeRole on resource: ${otherRole}`,
      status: 403,
    });
    expect([badSignature.name, badSignature.status]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(endpoint.calls.at(-1)).toMatchObject({
      errorCode: 'SignatureDoesNotMatch',
      accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
    });
  });

  it('answers ExpiredToken once assumed credentials have expired', async () => {
    // Prepare
    const sts = new STSClient(clientConfig(endpoint.url, LOCAL_CREDENTIALS));
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'short', DurationSeconds: 900 }),
    );
    const skew = 16 * MINUTE;
    // Both clocks move, so only the credentials' lifetime (not the signature's age) is past.
    const late = new STSClient({
      ...clientConfig(endpoint.url, credentialsOf(assumed.Credentials)),
      systemClockOffset: skew,
    });

    // Act
    clock.skew = skew;
    const expired = await rejection(late.send(new GetCallerIdentityCommand({}))).finally(() => {
      clock.skew = 0;
    });

    // Assess
    expect(expired).toEqual({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      status: 403,
    });
  });

  it('answers a presigned GET GetCallerIdentity in JSON (as aws-iam-authenticator asks) or XML', async () => {
    // Prepare
    const host = new URL(endpoint.url).host;
    const url = await presignCallerIdentity({
      clusterName: 'sandbox',
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      now: new Date(),
      host,
    });
    const local = `${endpoint.url}/${url.slice(url.indexOf('?'))}`;

    // Act
    const json = await fetch(local, { headers: { 'x-k8s-aws-id': 'sandbox', accept: 'application/json' } });
    const xml = await fetch(local, { headers: { 'x-k8s-aws-id': 'sandbox' } });
    const otherCluster = await fetch(local, { headers: { 'x-k8s-aws-id': 'production' } });

    // Assess
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: {
          Account: LOCAL_ACCOUNT_ID,
          Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local`,
        },
      },
    });
    expect(await xml.text()).toContain(`<Arn>arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local</Arn>`);
    expect(otherCluster.status).toBe(403);
    expect(await otherCluster.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(endpoint.calls.slice(-3)).toEqual([
      expect.objectContaining({ action: 'GetCallerIdentity', presigned: true, status: 200 }),
      expect.objectContaining({ action: 'GetCallerIdentity', presigned: true, status: 200 }),
      expect.objectContaining({
        action: 'GetCallerIdentity',
        presigned: true,
        status: 403,
        errorCode: 'SignatureDoesNotMatch',
      }),
    ]);
  });
});
