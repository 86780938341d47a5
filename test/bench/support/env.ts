// The bench's local stack: DynamoDB Local behind a counting proxy, the sandbox reached as an EKS cluster, the
// local Slack/Jira/Grafana/SSM, and the bench's own policies (large budgets, so only the storm is stopped by one).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDynamoDbLocal } from '../../../infra/local/dynamodb-local.js';
import type { Sandbox } from '../../../infra/local/sandbox/index.js';
import { type LocalStack, startLocalStack } from '../../../infra/local/stack.js';
import { type DynamoDbCounter, startDynamoDbCounter } from './dynamodb-counter.js';

export const STORM_BUDGET = 10;
export const STORM_ALERTNAME = 'BenchStorm';

const policies = [
  {
    name: 'bench-delete-pod',
    match: { alertname: 'KubePodCrashLooping' },
    target: {
      cluster: { value: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      pod: { fromLabel: 'pod' },
    },
    action: { type: 'deletePod', gracePeriodSeconds: 0 },
    guard: { maxActions: { count: 10_000, per: '1h' } },
  },
  {
    name: 'bench-rollback',
    match: { alertname: 'HTTPErrorRateHigh' },
    target: {
      cluster: { value: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      deployment: { fromLabel: 'deployment' },
    },
    action: { type: 'rollbackDeployment' },
    // Rolled back again and again on one Deployment: no cooldown here.
    guard: { maxActions: { count: 10_000, per: '1h' }, cooldown: '0s' },
  },
  {
    name: 'bench-storm',
    match: { alertname: STORM_ALERTNAME },
    target: {
      cluster: { value: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      pod: { fromLabel: 'pod' },
    },
    action: { type: 'deletePod', gracePeriodSeconds: 0 },
    guard: { maxActions: { count: STORM_BUDGET, per: '1h' } },
  },
];

export interface BenchEnv {
  stack: LocalStack;
  sandbox: Sandbox;
  dynamodb: DynamoDbCounter;
  close(): Promise<void>;
}

export const startBenchEnv = async (): Promise<BenchEnv> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.LOG_LEVEL = 'error';
  // The cluster-wide budget would stop the latency run after 30 actions: raise it (the storm uses a policy budget).
  process.env.REMEDY_CLUSTER_MAX_ACTIONS = '100000/1h';
  // The bench's policies have no `analysis`, so no Prometheus is queried: name an address instead of letting the
  // stack start one, whose 1 s scrapes of 1,000 sandbox pods would load the machine, not remedy.
  process.env.PROMETHEUS_URL = 'http://127.0.0.1:9';
  const policyDir = mkdtempSync(join(tmpdir(), 'remedy-bench-policies-'));
  policies.forEach((p, i) => {
    writeFileSync(join(policyDir, `${i}-${p.name}.yaml`), stringify(p));
  });
  const ddb = await startDynamoDbLocal();
  const dynamodb = await startDynamoDbCounter(ddb.endpoint);
  const stack = await startLocalStack({
    stateDir: mkdtempSync(join(tmpdir(), 'remedy-bench-')),
    ports: { sns: 0, kube: 0, aws: 0 },
    dynamodbEndpoint: dynamodb.url,
    tableSuffix: 'bench',
    policyDir,
  });
  if (!stack.sandbox) throw new Error('the bench needs the sandbox');
  return {
    stack,
    sandbox: stack.sandbox,
    dynamodb,
    close: async () => {
      await stack.close();
      await dynamodb.close();
      await ddb.stop();
    },
  };
};

/** One firing alert; a fresh fingerprint each time, so each is a new episode. */
export const alert = (labels: Record<string, string>) => ({
  status: 'firing',
  labels: { severity: 'warning', namespace: 'demo', ...labels } as Record<string, string>,
  annotations: { summary: 'bench' },
  startsAt: new Date().toISOString(),
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.local/graph',
  fingerprint: randomBytes(8).toString('hex'),
});

export const notificationOf = (alerts: ReturnType<typeof alert>[], group: Record<string, string> = {}) => ({
  version: '4',
  receiver: 'remedy',
  status: 'firing',
  alerts,
  groupLabels: { alertname: alerts[0]?.labels.alertname ?? '', ...group },
  commonLabels: { alertname: alerts[0]?.labels.alertname ?? '' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.local',
});

/** The Lambda SNS event for one message, as the local SNS endpoint would deliver it. */
export const snsEvent = (message: unknown, topicArn: string) => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:bench`,
      Sns: {
        Type: 'Notification',
        MessageId: crypto.randomUUID(),
        TopicArn: topicArn,
        Subject: '[FIRING] bench',
        Message: JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        MessageAttributes: { severity: { Type: 'String', Value: 'warning' } },
      },
    },
  ],
});

/** A pod of demo/web that is running now (deleted ones are replaced by the ReplicaSet). */
export const livePod = (sandbox: Sandbox): string => {
  // Never a pod remedy (or the baseline) already sent a DELETE for: its target cooldown would turn the alert away.
  const deleted = new Set(
    sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').at(-1)),
  );
  const pod = sandbox.store
    .list('pods', 'demo')
    .find(
      (p) =>
        !p.metadata.deletionTimestamp &&
        String(p.metadata.name).startsWith('web-') &&
        !deleted.has(String(p.metadata.name)),
    );
  if (!pod) throw new Error('no live demo/web pod');
  return String(pod.metadata.name);
};

/** Gives demo/web a second revision (a new image), so rollbackDeployment has something to roll back to. */
export const newRelease = (sandbox: Sandbox, image: string): void => {
  const web = sandbox.store.get('deployments', 'demo', 'web');
  if (!web) throw new Error('no demo/web');
  const spec = structuredClone(web.spec) as { template: { spec: { containers: Array<{ image: string }> } } };
  const container = spec.template.spec.containers[0];
  if (container) container.image = image;
  sandbox.store.update('deployments', { ...web, spec });
};
