// The naive baseline for the cold-start comparison: the remediate function as it is commonly written, with the
// vendor SDKs (@kubernetes/client-node, jira.js, @slack/web-api) and the AWS SDK clients imported eagerly at the
// top. It does the same real work as remedy for one pod-deletion alert, so (b) compares like with like: policy
// Query, cluster registry GetItem, a conditional claim, DescribeCluster, an STS-presigned EKS token, GET + DELETE
// (uid precondition) of the pod, an audit PutItem, the Slack and Grafana tokens from SSM, a Slack message and a
// Grafana annotation. It has none of remedy's guardrails (budgets, cooldown, breaker, kill switch): it does LESS
// than remedy, which only favours the baseline. Bundled with serverless.yml's esbuild settings by the bench.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { WebClient } from '@slack/web-api';
import { SignatureV4 } from '@smithy/signature-v4';
import { Version3Client } from 'jira.js';

const env = process.env;
const region = env.AWS_REGION ?? 'us-east-1';
const endpointOf = (url: string | undefined) => (url ? { endpoint: url } : {});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...endpointOf(env.DYNAMODB_ENDPOINT) }));
const eks = new EKSClient({ region, ...endpointOf(env.EKS_ENDPOINT_URL) });
const ssm = new SSMClient({ region, ...endpointOf(env.SSM_ENDPOINT_URL) });
// Built eagerly, as such handlers usually do, even though this path never calls STS or Jira.
const sts = new STSClient({ region, ...endpointOf(env.STS_ENDPOINT_URL) });
const jira = env.JIRA_BASE_URL
  ? new Version3Client({
      host: env.JIRA_BASE_URL,
      authentication: { basic: { email: env.JIRA_EMAIL ?? '', apiToken: 'from-ssm' } },
    })
  : undefined;
void sts;
void jira;

class Sha256 {
  private readonly hash;
  constructor(secret?: unknown) {
    this.hash = secret ? createHmac('sha256', secret as Uint8Array) : createHash('sha256');
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

type Ref = { fromLabel?: string; default?: string; value?: string } | undefined;
const resolve = (ref: Ref, labels: Record<string, string>) =>
  ref?.value ?? (ref?.fromLabel ? labels[ref.fromLabel] : undefined) ?? ref?.default;

interface SnsEvent {
  Records: Array<{ Sns: { Message: string; MessageId: string } }>;
}

export const handler = async (event: SnsEvent) => {
  for (const record of event.Records) {
    const notification = JSON.parse(record.Sns.Message) as {
      alerts: Array<{
        status: string;
        labels: Record<string, string>;
        fingerprint: string;
        startsAt: string;
      }>;
    };
    for (const alert of notification.alerts) {
      if (alert.status !== 'firing') continue;
      const alertname = alert.labels.alertname ?? '';
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: env.POLICY_TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `POLICY#${alertname}` },
        }),
      );
      const policy = Items[0]?.document;
      if (policy?.action?.type !== 'deletePod') continue;
      const cluster = resolve(policy.target.cluster, alert.labels) ?? '';
      const namespace = resolve(policy.target.namespace, alert.labels) ?? '';
      const pod = resolve(policy.target.pod, alert.labels) ?? '';
      const { Item: entry } = await doc.send(
        new GetCommand({ TableName: env.POLICY_TABLE, Key: { pk: 'CLUSTERS', sk: cluster } }),
      );
      const eksName = entry?.document?.eksClusterName ?? cluster;
      await doc.send(
        new PutCommand({
          TableName: env.STATE_TABLE,
          Item: { pk: `ALERT#${alert.fingerprint}#${alert.startsAt}#naive`, sk: 'CLAIM', at: Date.now() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      const { cluster: described } = await eks.send(new DescribeClusterCommand({ name: eksName }));
      const signer = new SignatureV4({
        service: 'sts',
        region,
        sha256: Sha256,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      });
      const host = `sts.${region}.amazonaws.com`;
      const presigned = await signer.presign(
        {
          method: 'GET',
          protocol: 'https:',
          hostname: host,
          path: '/',
          query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
          headers: { host, 'x-k8s-aws-id': eksName },
        },
        { expiresIn: 60 },
      );
      const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
      const token = `k8s-aws-v1.${Buffer.from(`https://${host}/?${query}`).toString('base64url')}`;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          {
            name: eksName,
            server: described?.endpoint ?? '',
            caData: described?.certificateAuthority?.data,
            skipTLSVerify: false,
          },
        ],
        users: [{ name: 'remedy', token }],
        contexts: [{ name: 'remedy', cluster: eksName, user: 'remedy' }],
        currentContext: 'remedy',
      });
      const core = kc.makeApiClient(CoreV1Api);
      const current = await core.readNamespacedPod({ name: pod, namespace });
      await core.deleteNamespacedPod({
        name: pod,
        namespace,
        gracePeriodSeconds: policy.action.gracePeriodSeconds ?? 30,
        body: { preconditions: { uid: current.metadata?.uid ?? '' } },
      });
      const at = new Date().toISOString();
      await doc.send(
        new PutCommand({
          TableName: env.STATE_TABLE,
          Item: {
            pk: `AUDIT#${cluster}/${namespace}/Pod/${pod}`,
            sk: `${at}#${randomUUID().slice(0, 8)}`,
            outcome: 'acted',
            code: 'deletePod',
            alertname,
            at,
          },
        }),
      );
      const names = [env.SLACK_TOKEN_PARAMETER, env.GRAFANA_TOKEN_PARAMETER].filter((n): n is string => !!n);
      const { Parameters = [] } = names.length
        ? await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true }))
        : {};
      const secret = (name: string | undefined) => Parameters.find((p) => p.Name === name)?.Value;
      const slackToken = secret(env.SLACK_TOKEN_PARAMETER);
      if (slackToken) {
        const slack = new WebClient(slackToken, {
          ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
        });
        await slack.chat.postMessage({
          channel: env.SLACK_DEFAULT_CHANNEL ?? '#ops',
          text: `deleted pod ${namespace}/${pod} for ${alertname}`,
        });
      }
      const grafanaToken = secret(env.GRAFANA_TOKEN_PARAMETER);
      if (grafanaToken && env.GRAFANA_URL) {
        await fetch(new URL('/api/annotations', env.GRAFANA_URL), {
          method: 'POST',
          headers: { authorization: `Bearer ${grafanaToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ time: Date.now(), tags: ['remedy', 'deletePod'], text: `deleted ${pod}` }),
        });
      }
    }
  }
  return { ok: true };
};
