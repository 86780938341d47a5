import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import {
  createEksTokenAuthenticator,
  type EksTokenRefusal,
} from '../../../infra/local/aws/eks-token-verifier.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import { createEksToken } from '../../../shared/adapters/eks/token.js';
import { rewriteToken } from '../../unit/local-aws/eks-token-fixture.js';
import { clientConfig, credentialsOf } from './sdk-helpers.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/remedy';
const MINUTE = 60_000;

/** GET over HTTPS trusting only the CA that DescribeCluster returned (base64 PEM), as remedy's client does. */
function get(
  url: string,
  caData: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: Buffer.from(caData, 'base64'),
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('sandbox Kubernetes API authenticating EKS tokens against the local STS', () => {
  let endpoint: AwsEndpoint;
  let sandbox: Sandbox;
  let dir: string;
  let cluster: { endpoint: string; caData: string };
  let assumed: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  const refusals: EksTokenRefusal[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remedy-eks-auth-'));
    endpoint = await startAwsEndpoint({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      roles: [{ arn: ROLE_ARN }],
    });
    sandbox = await startSandbox({
      dir,
      authenticate: createEksTokenAuthenticator({
        clusterName: 'sandbox',
        region: LOCAL_REGION,
        lookup: endpoint.lookup,
        onRefusal: (refusal) => refusals.push(refusal),
      }),
    });
    endpoint.addCluster({ name: 'sandbox', endpoint: sandbox.url, caData: sandbox.caData });

    // What remedy does for a cross-account cluster: assume the role, then describe the cluster with it.
    const sts = new STSClient(clientConfig(endpoint.url, LOCAL_CREDENTIALS));
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'remedy' }),
    );
    assumed = credentialsOf(c);
    const eks = new EKSClient(clientConfig(endpoint.url, assumed));
    const { cluster: described } = await eks.send(new DescribeClusterCommand({ name: 'sandbox' }));
    cluster = { endpoint: described?.endpoint ?? '', caData: described?.certificateAuthority?.data ?? '' };
  });

  afterAll(async () => {
    await sandbox?.close();
    await endpoint?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets a token made from the assumed-role credentials list pods over HTTPS with the cluster CA', async () => {
    // Prepare
    const { token } = createEksToken({
      clusterName: 'sandbox',
      region: LOCAL_REGION,
      credentials: assumed,
      now: new Date(),
    });

    // Act
    const reply = await get(`${cluster.endpoint}/api/v1/namespaces/demo/pods`, cluster.caData, token);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.kind).toBe('PodList');
    expect(reply.body.items).toHaveLength(3);
  });

  it.each([
    [
      'expired (X-Amz-Date 16 minutes ago)',
      () =>
        createEksToken({
          clusterName: 'sandbox',
          region: LOCAL_REGION,
          credentials: assumed,
          now: new Date(Date.now() - 16 * MINUTE),
        }).token,
      'expired',
    ],
    [
      'made for another cluster',
      () =>
        createEksToken({
          clusterName: 'production',
          region: LOCAL_REGION,
          credentials: assumed,
          now: new Date(),
        }).token,
      'sts-refused',
    ],
    [
      'unsigned (signature removed)',
      () =>
        rewriteToken(
          createEksToken({
            clusterName: 'sandbox',
            region: LOCAL_REGION,
            credentials: assumed,
            now: new Date(),
          }).token,
          (u) => u.replace(/&?X-Amz-Signature=[^&]*/, ''),
        ),
      'sts-refused',
    ],
    [
      'signed with an unknown key',
      () =>
        createEksToken({
          clusterName: 'sandbox',
          region: LOCAL_REGION,
          credentials: { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 's' },
          now: new Date(),
        }).token,
      'sts-refused',
    ],
  ])('answers 401 to a token %s', async (_, makeToken, reason) => {
    // Prepare
    const token = makeToken();
    refusals.length = 0;

    // Act
    const reply = await get(`${cluster.endpoint}/api/v1/namespaces/demo/pods`, cluster.caData, token);

    // Assess
    expect(reply.status).toBe(401);
    expect(refusals.map((r) => r.reason)).toEqual([reason]);
  });

  it('still accepts the sandbox static token beside EKS tokens', async () => {
    // Act
    const reply = await get(`${cluster.endpoint}/api/v1/namespaces/demo/pods`, cluster.caData, sandbox.token);

    // Assess
    expect(reply.status).toBe(200);
  });
});
