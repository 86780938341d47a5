// Benchmark: time from an SNS Publish to the pod's DELETE reaching the Kubernetes API, through the whole local
// stack (SigV4-checked Publish → filter policy → remediate handler → DynamoDB Local policy and claim → EKS path:
// DescribeCluster + STS-presigned token → sandbox API over TLS). Run: `npm run bench`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { startLocalStack } from '../../infra/local/stack.js';
import { publish } from '../support/sns-publish.js';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 30);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = 'error';

// The example policy's budget (and the cluster's) would stop a benchmark after a few actions: raise them here.
process.env.REMEDY_CLUSTER_MAX_ACTIONS = '100000/1h';
const policyDir = mkdtempSync(join(tmpdir(), 'remedy-bench-policies-'));
writeFileSync(
  join(policyDir, 'bench.yaml'),
  stringify({
    name: 'bench-delete-pod',
    match: { alertname: 'KubePodCrashLooping' },
    target: {
      cluster: { value: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      pod: { fromLabel: 'pod' },
    },
    action: { type: 'deletePod', gracePeriodSeconds: 0 },
    guard: { maxActions: { count: 10_000, per: '1h' } },
  }),
);

const ddb = await startDynamoDbLocal();
const stack = await startLocalStack({
  stateDir: mkdtempSync(join(tmpdir(), 'remedy-bench-')),
  ports: { sns: 0, kube: 0, aws: 0 },
  dynamodbEndpoint: ddb.endpoint,
  tableSuffix: 'bench',
  policyDir,
});
const sandbox = stack.sandbox;
if (!sandbox) throw new Error('the bench needs the sandbox');

const publishAndWait = async (pod: string): Promise<number> => {
  const message = JSON.stringify({
    version: '4',
    receiver: 'remedy',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod },
        annotations: {},
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: randomBytes(8).toString('hex'),
      },
    ],
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: '',
  });
  const start = performance.now();
  const res = await publish(stack.sns.url, {
    topicArn: stack.topicArn,
    subject: '[FIRING:1] KubePodCrashLooping',
    message,
    attributes: { severity: 'warning' },
  });
  if (res.status !== 200) throw new Error(`Publish failed: ${res.status} ${res.body}`);
  const deleted = () =>
    sandbox.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/pods/${pod}`));
  while (!deleted()) await new Promise((r) => setImmediate(r));
  return performance.now() - start;
};

const samples: number[] = [];
for (let i = 0; i < ALERTS; i++) {
  const pod = String(sandbox.store.list('pods', 'demo')[0]?.metadata.name);
  samples.push(await publishAndWait(pod));
  await stack.sns.idle();
}
const [first, ...warm] = samples;
warm.sort((a, b) => a - b);
const pct = (p: number) => warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))] ?? Number.NaN;
const ms = (v: number | undefined) => `${(v ?? Number.NaN).toFixed(1)} ms`;
process.stdout.write(
  `publish → pod DELETE over ${ALERTS} alerts (local stack, EKS path, DynamoDB Local):\n` +
    `  first (cold: handler load, DescribeCluster, first token, TLS): ${ms(first)}\n` +
    `  warm: p50 ${ms(pct(50))}, p95 ${ms(pct(95))}, max ${ms(warm.at(-1))}\n`,
);
await stack.close();
await ddb.stop();
