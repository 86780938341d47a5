import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '#adapters/aws/aws-json.js';
import { assumeRole } from '#adapters/eks/assume-role.js';
import type { AwsCredentials } from '#adapters/eks/credentials.js';
import { describeCluster } from '#adapters/eks/describe-cluster.js';
import { ssmParameterReader } from '#adapters/notify/ssm-secrets.js';
import { SqsFollowupQueue } from '#adapters/sqs/followup-queue.js';
import { FOLLOWUP_KIND, type FollowupMessage } from '#domain/verify/message.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { type SqsEndpoint, startSqsEndpoint } from '../../../infra/local/queue/sqs-endpoint.js';
import { type LocalSsm, startLocalSsm } from '../../../infra/local/sinks/ssm-server.js';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../support/dynamodb-proxy.js';

/**
 * remedy's own SSM (AWS JSON 1.1), SQS (AWS JSON 1.0) and EKS (REST-JSON) calls against the local services,
 * which check every SigV4 signature, with the AWS SDK's clients (what remedy used before) as the reference for
 * what goes on the wire and what comes back.
 */
const WRONG: AwsCredentials = { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' };
const fixed = (c: AwsCredentials) => async () => c;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('EKS DescribeCluster (REST-JSON)', () => {
  const ROLE = 'arn:aws:iam::210987654321:role/remedy-responder';
  const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nlocal\n-----END CERTIFICATE-----\n').toString(
    'base64',
  );
  let aws: AwsEndpoint;
  let sdk: EKSClient;

  beforeAll(async () => {
    aws = await startAwsEndpoint({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      roles: [{ arn: ROLE }],
    });
    aws.addCluster({ name: 'prod-eu', endpoint: 'https://127.0.0.1:6443', caData: CA });
    aws.addCluster({ name: 'Team_b-2', endpoint: 'https://127.0.0.1:6444', caData: CA, status: 'UPDATING' });
    sdk = new EKSClient({
      region: LOCAL_REGION,
      endpoint: aws.url,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    sdk.destroy();
    await aws.close();
  });

  it('reads endpoint, CA, status and ARN as the SDK reads them', async () => {
    for (const name of ['prod-eu', 'Team_b-2']) {
      const ours = await describeCluster(name, LOCAL_REGION, LOCAL_CREDENTIALS, aws.url);
      const { cluster } = await sdk.send(new DescribeClusterCommand({ name }));
      expect(ours).toEqual({
        endpoint: cluster?.endpoint,
        caData: cluster?.certificateAuthority?.data,
        status: cluster?.status,
        arn: cluster?.arn,
      });
    }
    expect(await describeCluster('prod-eu', LOCAL_REGION, LOCAL_CREDENTIALS, aws.url)).toEqual({
      endpoint: 'https://127.0.0.1:6443',
      caData: CA,
      status: 'ACTIVE',
      arn: `arn:aws:eks:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:cluster/prod-eu`,
    });
  });

  it('signs temporary credentials (an assumed role) with their session token', async () => {
    const assumed = await assumeRole(ROLE, LOCAL_CREDENTIALS, { region: LOCAL_REGION, endpoint: aws.url });
    expect(assumed.sessionToken).toBeTruthy();
    const access = await describeCluster('prod-eu', LOCAL_REGION, assumed, aws.url);
    expect(access.status).toBe('ACTIVE');
    expect(aws.calls.at(-1)).toMatchObject({
      action: 'DescribeCluster',
      status: 200,
      accessKeyId: assumed.accessKeyId,
    });
  });

  it('names the errors as the SDK does: ResourceNotFoundException, InvalidSignatureException', async () => {
    const cases: Array<[string, AwsCredentials, string, number]> = [
      ['no-such-cluster', LOCAL_CREDENTIALS, 'ResourceNotFoundException', 404],
      ['prod-eu', WRONG, 'InvalidSignatureException', 403],
    ];
    for (const [name, credentials, code, status] of cases) {
      const before = aws.calls.length;
      const ours = await failure(describeCluster(name, LOCAL_REGION, credentials, aws.url));
      const wrongSdk = new EKSClient({
        region: LOCAL_REGION,
        endpoint: aws.url,
        credentials,
        maxAttempts: 1,
      });
      const theirs = await failure(wrongSdk.send(new DescribeClusterCommand({ name })));
      wrongSdk.destroy();
      expect(ours).toBeInstanceOf(AwsServiceError);
      expect(ours).toMatchObject({ name: code, status, message: theirs?.message });
      expect(theirs?.name).toBe(code);
      // Not retried: a refusal or a missing cluster does not change on a second try (1 call each).
      expect(aws.calls.slice(before).filter((c) => c.action === 'DescribeCluster')).toHaveLength(2);
    }
  });

  it('URI-encodes the name in the path and signs the encoded path', async () => {
    const error = await failure(describeCluster('prod eu/x', LOCAL_REGION, LOCAL_CREDENTIALS, aws.url));
    // Refused as a missing cluster (not as a bad signature), under the name that was asked for.
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(aws.calls.at(-1)).toMatchObject({ clusterName: 'prod eu/x', status: 404 });
  });

  describe('retries, as the SDK with maxAttempts 2', () => {
    let proxy: DynamoDbProxy;
    let unavailable = 0;
    let seen = 0;
    beforeAll(async () => {
      proxy = await startDynamoDbProxy(aws.url, () => {
        seen++;
        if (unavailable <= 0) return undefined;
        unavailable--;
        return { status: 503, body: { __type: 'ServiceUnavailableException', message: 'try later' } };
      });
    });
    afterAll(() => proxy.close());

    it('retries a 503 once, then gives up with it', async () => {
      [unavailable, seen] = [1, 0];
      expect((await describeCluster('prod-eu', LOCAL_REGION, LOCAL_CREDENTIALS, proxy.url)).status).toBe(
        'ACTIVE',
      );
      expect(seen).toBe(2);
      [unavailable, seen] = [5, 0];
      const error = await failure(describeCluster('prod-eu', LOCAL_REGION, LOCAL_CREDENTIALS, proxy.url));
      expect(error).toMatchObject({ name: 'ServiceUnavailableException', status: 503 });
      expect(seen).toBe(2);
    });
  });
});

describe('SSM GetParameters (AWS JSON 1.1)', () => {
  const SECRETS = { '/remedy/test/slack-token': 'xoxb-local', '/remedy/test/jira-token': 'jira-local' };
  let ssm: LocalSsm;
  beforeAll(async () => {
    ssm = await startLocalSsm({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, parameters: SECRETS });
  });
  afterAll(() => ssm.close());
  afterEach(() => {
    ssm.requests.length = 0;
  });
  const reader = (credentials: AwsCredentials = LOCAL_CREDENTIALS) =>
    ssmParameterReader({ region: LOCAL_REGION, endpoint: ssm.url, credentials: fixed(credentials) });

  it('returns name → value, asking with the body the SDK sends', async () => {
    const names = Object.keys(SECRETS);
    expect(await reader()(names)).toEqual(SECRETS);
    const sdk = new SSMClient({ region: LOCAL_REGION, endpoint: ssm.url, credentials: LOCAL_CREDENTIALS });
    await sdk.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
    sdk.destroy();
    const [ours, theirs] = ssm.requests;
    expect(ours).toMatchObject({ method: 'POST', path: '/', status: 200 });
    expect(theirs).toMatchObject({ method: 'POST', path: '/', status: 200 });
    expect(ours?.body).toEqual(theirs?.body);
    expect(ours?.body).toEqual({ Names: names, WithDecryption: true });
  });

  it('names the parameters SSM does not have (InvalidParameters), never a value', async () => {
    const error = await failure(reader()(['/remedy/test/slack-token', '/remedy/test/nope', '/remedy/x']));
    expect(error?.message).toBe('SSM parameter(s) not found: /remedy/test/nope, /remedy/x');
  });

  it('is refused with a wrong secret (InvalidSignatureException, as the SDK is), once', async () => {
    const error = await failure(reader(WRONG)(['/remedy/test/slack-token']));
    const sdk = new SSMClient({
      region: LOCAL_REGION,
      endpoint: ssm.url,
      credentials: WRONG,
      maxAttempts: 1,
    });
    const theirs = await failure(sdk.send(new GetParametersCommand({ Names: ['/remedy/test/slack-token'] })));
    sdk.destroy();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error?.name).toBe('InvalidSignatureException');
    expect(theirs?.name).toBe('InvalidSignatureException');
    expect(ssm.requests.map((r) => r.status)).toEqual([403, 403]);
  });
});

describe('SQS SendMessage (AWS JSON 1.0)', () => {
  let sqs: SqsEndpoint;
  let proxy: DynamoDbProxy;
  let wire: Array<{ operation: string; body: unknown }> = [];
  let answer: { status: number; body: Record<string, unknown> } | undefined;
  const message: FollowupMessage = {
    kind: FOLLOWUP_KIND,
    version: 1,
    dueAt: '2026-12-07T05:00:00.000Z',
    verify: { check: 'alertResolved', afterSeconds: 60, onNotRecovered: 'notify' },
    action: {
      at: '2026-12-07T04:59:00.000Z',
      outcome: 'acted',
      code: 'deletePod',
      reason: 'deleted pod sandbox/demo/Pod/web-1 — "quoted", ünïcödé',
      episode: 'fp#2026-12-07T04:58:00.000Z',
      policy: 'restart-crashlooping-pod',
      target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-1' },
    },
  };

  beforeAll(async () => {
    sqs = await startSqsEndpoint({
      queues: [{ name: 'FollowupQueue', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }],
    });
    // In front of the queue: sees each request's X-Amz-Target and body, and may answer instead of the queue.
    proxy = await startDynamoDbProxy(sqs.url, (operation, body) => {
      wire.push({ operation, body: JSON.parse(body) });
      return answer;
    });
  });
  afterAll(async () => {
    await proxy.close();
    await sqs.close();
  });
  afterEach(() => {
    wire = [];
    answer = undefined;
  });
  const queue = (endpoint?: string) =>
    new SqsFollowupQueue({
      queueUrl: sqs.queueUrl('FollowupQueue'),
      region: LOCAL_REGION,
      ...(endpoint === undefined ? {} : { endpoint }),
      credentials: fixed(LOCAL_CREDENTIALS),
    });

  it('sends the body the SDK sent: QueueUrl, MessageBody, DelaySeconds, MessageAttributes', async () => {
    const ours = queue(proxy.url);
    await ours.schedule(message, 119.2);
    ours.destroy();
    // What the adapter sent through @aws-sdk/client-sqs before, with the same arguments.
    const sdk = new SQSClient({ region: LOCAL_REGION, endpoint: proxy.url, credentials: LOCAL_CREDENTIALS });
    await sdk.send(
      new SendMessageCommand({
        QueueUrl: sqs.queueUrl('FollowupQueue'),
        MessageBody: JSON.stringify(message),
        DelaySeconds: 120,
        MessageAttributes: {
          episode: { DataType: 'String', StringValue: message.action.episode },
          policy: { DataType: 'String', StringValue: message.action.policy },
        },
      }),
    );
    sdk.destroy();
    expect(wire.map((w) => w.operation)).toEqual(['SendMessage', 'SendMessage']);
    expect(wire[0]?.body).toEqual(wire[1]?.body);
    // Both accepted by the queue (signature checked), as sent.
    const [a, b] = sqs.sent.slice(-2);
    expect(a).toMatchObject({ queue: 'FollowupQueue', delaySeconds: 120, body: JSON.stringify(message) });
    expect(b).toMatchObject({ queue: 'FollowupQueue', delaySeconds: 120, body: JSON.stringify(message) });
  });

  it('sends to the queue URL’s host when no endpoint is given, as the SDK does', async () => {
    const before = sqs.sent.length;
    const ours = queue();
    await ours.schedule(message, 0);
    ours.destroy();
    expect(sqs.sent.slice(before)).toEqual([expect.objectContaining({ delaySeconds: 0 })]);
  });

  it('refuses an answer whose MD5OfMessageBody is not the body’s, as the SDK does', async () => {
    answer = {
      status: 200,
      body: { MessageId: 'm-1', MD5OfMessageBody: '00000000000000000000000000000000' },
    };
    const ours = queue(proxy.url);
    const error = await failure(ours.schedule(message, 0));
    ours.destroy();
    expect(error?.message).toMatch(/MD5 of the body SQS stored does not match/);
    const sdk = new SQSClient({ region: LOCAL_REGION, endpoint: proxy.url, credentials: LOCAL_CREDENTIALS });
    const theirs = await failure(
      sdk.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('FollowupQueue'), MessageBody: 'x' })),
    );
    sdk.destroy();
    expect(theirs?.message).toBe('InvalidChecksumError');
  });

  it('names SQS errors as the SDK does (QueueDoesNotExist), not retried', async () => {
    const ours = new SqsFollowupQueue({
      queueUrl: sqs.queueUrl('Nope'),
      region: LOCAL_REGION,
      endpoint: proxy.url,
      credentials: fixed(LOCAL_CREDENTIALS),
    });
    const error = await failure(ours.schedule(message, 0));
    ours.destroy();
    const sdk = new SQSClient({ region: LOCAL_REGION, endpoint: proxy.url, credentials: LOCAL_CREDENTIALS });
    const theirs = await failure(
      sdk.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('Nope'), MessageBody: 'x' })),
    );
    sdk.destroy();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error?.name).toBe(theirs?.name);
    expect(error).toMatchObject({ name: 'QueueDoesNotExist', status: 400 });
    expect(wire).toHaveLength(2);
  });
});
