import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoClusterRegistry } from '#adapters/dynamodb/cluster-registry.js';
import { assumeRole } from '#adapters/eks/assume-role.js';
import { AssumedRoleCache } from '#adapters/eks/assumed-role-cache.js';
import { describeCluster } from '#adapters/eks/describe-cluster.js';
import { EksClusters } from '#adapters/eks/eks-clusters.js';
import { TokenCache } from '#adapters/eks/token-cache.js';
import { ClusterAccessError, KubernetesError, UnknownClusterError } from '#domain/errors.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import { createEksTokenAuthenticator } from '../../../infra/local/aws/eks-token-verifier.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';

const ROLE = 'arn:aws:iam::210987654321:role/remedy-responder';

/**
 * The EKS path with the real clients (the SDK's for STS, remedy's own for DescribeCluster): registry (DynamoDB
 * Local) → AssumeRole and DescribeCluster (local AWS endpoint, SigV4-checked) → presigned-STS token → sandbox API over TLS, which
 * verifies the token as aws-iam-authenticator would.
 */
describe('EksClusters', () => {
  let aws: AwsEndpoint;
  let sandbox: Sandbox;
  let tables: TestTables;
  let registry: DynamoClusterRegistry;
  const refusals: string[] = [];

  const clusters = (overrides: { base?: { accessKeyId: string; secretAccessKey: string } } = {}) =>
    new EksClusters({
      registry,
      baseCredentials: async () => ({ ...(overrides.base ?? LOCAL_CREDENTIALS) }),
      roles: new AssumedRoleCache((arn, base) =>
        assumeRole(arn, base, { region: LOCAL_REGION, endpoint: aws.url }),
      ),
      describe: (name, region, credentials) => describeCluster(name, region, credentials, aws.url),
      token: async (request) => new TokenCache({ now: () => new Date() }).get(request).token,
    });

  beforeAll(async () => {
    aws = await startAwsEndpoint({
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
      roles: [{ arn: ROLE }],
    });
    sandbox = await startSandbox({
      dir: mkdtempSync(join(tmpdir(), 'remedy-eks-')),
      authenticate: createEksTokenAuthenticator({
        clusterName: 'prod-eu',
        region: LOCAL_REGION,
        lookup: aws.lookup,
        onRefusal: (r) => refusals.push(r.message),
      }),
    });
    aws.addCluster({ name: 'prod-eu', endpoint: sandbox.url, caData: sandbox.caData });
    aws.addCluster({ name: 'creating', endpoint: sandbox.url, caData: sandbox.caData, status: 'CREATING' });
    tables = await createTestTables();
    registry = new DynamoClusterRegistry(tables.doc, tables.policyTable, {
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
      now: Date.now,
    });
    const at = new Date().toISOString();
    await registry.put({ name: 'prod', eksClusterName: 'prod-eu', region: LOCAL_REGION }, at);
    await registry.put(
      { name: 'partner', eksClusterName: 'prod-eu', region: LOCAL_REGION, roleArn: ROLE },
      at,
    );
    await registry.put({ name: 'wrong-name', eksClusterName: 'creating', region: LOCAL_REGION }, at);
    await registry.put({ name: 'missing', eksClusterName: 'no-such-cluster', region: LOCAL_REGION }, at);
  });
  afterAll(async () => {
    await sandbox.close();
    await aws.close();
    await tables.drop();
  });

  it('reads a pod through DescribeCluster + an STS-presigned token, over TLS with the cluster CA', async () => {
    const [pod] = sandbox.store.list('pods', 'demo');
    const cluster = await clusters().connect({ cluster: 'prod' });
    const info = await cluster.getPod('demo', String(pod?.metadata.name));
    expect(info?.uid).toBe(pod?.metadata.uid);
    expect(aws.calls.filter((c) => c.action === 'DescribeCluster' && c.status === 200)).not.toHaveLength(0);
  });

  it('reaches a cross-account cluster through AssumeRole, once per role', async () => {
    const before = aws.calls.filter((c) => c.action === 'AssumeRole').length;
    const partner = clusters();
    const cluster = await partner.connect({ cluster: 'partner' });
    const [pod] = sandbox.store.list('pods', 'demo');
    await cluster.getPod('demo', String(pod?.metadata.name));
    await cluster.getPod('demo', String(pod?.metadata.name));
    const assumed = aws.calls.filter((c) => c.action === 'AssumeRole').slice(before);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]).toMatchObject({ roleArn: ROLE, roleSessionName: 'remedy', status: 200 });
  });

  it('names the unknown cluster and the ones it knows', async () => {
    const error = await clusters()
      .connect({ cluster: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownClusterError);
    expect((error as Error).message).toBe(
      'unknown cluster "nope" (known: missing, partner, prod, wrong-name)',
    );
  });

  it('refuses a cluster that is not ACTIVE, and one DescribeCluster cannot find', async () => {
    const notActive = await clusters()
      .connect({ cluster: 'wrong-name' })
      .catch((e: unknown) => e);
    expect(notActive).toBeInstanceOf(ClusterAccessError);
    expect((notActive as Error).message).toMatch(/is CREATING, not ACTIVE/);
    const missing = (await clusters()
      .connect({ cluster: 'missing' })
      .catch((e: unknown) => e)) as ClusterAccessError;
    expect(missing.message).toMatch(
      /eks:DescribeCluster on no-such-cluster in us-east-1 \(cluster missing\): no such cluster/,
    );
    expect(missing.retryable).toBe(false);
  });

  it('says DescribeCluster is not allowed when the credentials are refused, and does not retry it', async () => {
    const bad = clusters({ base: { ...LOCAL_CREDENTIALS, secretAccessKey: 'wrong' } });
    const error = (await bad.connect({ cluster: 'prod' }).catch((e: unknown) => e)) as ClusterAccessError;
    expect(error).toBeInstanceOf(ClusterAccessError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^not allowed: eks:DescribeCluster on prod-eu/);
  });

  it('gets a 401 with a hint when the cluster does not accept the token', async () => {
    // The token is signed for cluster "prod-eu" by a key the verifier does not know: rejected as unsigned.
    await registry.put(
      { name: 'stranger', eksClusterName: 'prod-eu', region: LOCAL_REGION },
      new Date().toISOString(),
    );
    const stranger = new EksClusters({
      registry,
      baseCredentials: async () => ({ ...LOCAL_CREDENTIALS }),
      roles: new AssumedRoleCache(() => Promise.reject(new Error('unused'))),
      describe: (name, region, credentials) => describeCluster(name, region, credentials, aws.url),
      token: async (request) =>
        new TokenCache({ now: () => new Date() }).get({
          ...request,
          credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x' },
        }).token,
    });
    const cluster = await stranger.connect({ cluster: 'stranger' });
    const error = (await cluster.getPod('demo', 'x').catch((e: unknown) => e)) as KubernetesError;
    expect(error).toBeInstanceOf(KubernetesError);
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/EKS access entry/);
    expect(refusals.at(-1)).toBeDefined();
  });
});
