// Benchmark: time from an SNS Publish to the pod's DELETE reaching the Kubernetes API, through the whole local
// stack (SigV4-checked Publish → filter policy → remediate handler → DynamoDB Local policy and claim → EKS path:
// DescribeCluster + STS-presigned token → sandbox API over TLS). Run: `npm run bench`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/aws/local-account.js';
import { signRequest } from '../../infra/local/aws/sigv4-canonical.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { startLocalStack } from '../../infra/local/stack.js';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 30);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = 'error';

const ddb = await startDynamoDbLocal();
const stack = await startLocalStack({
  stateDir: mkdtempSync(join(tmpdir(), 'remedy-bench-')),
  ports: { sns: 0, kube: 0, aws: 0 },
  dynamodbEndpoint: ddb.endpoint,
  tableSuffix: 'bench',
});
const sandbox = stack.sandbox;
if (!sandbox) throw new Error('the bench needs the sandbox');

const publish = async (pod: string): Promise<number> => {
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
  const body = new URLSearchParams({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: stack.topicArn,
    Subject: '[FIRING:1] KubePodCrashLooping',
    Message: message,
    'MessageAttributes.entry.1.Name': 'severity',
    'MessageAttributes.entry.1.Value.DataType': 'String',
    'MessageAttributes.entry.1.Value.StringValue': 'warning',
  }).toString();
  const url = new URL(stack.sns.url);
  const headers = signRequest(
    { method: 'POST', path: '/', headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body },
    LOCAL_CREDENTIALS,
    { region: LOCAL_REGION, service: 'sns', now: new Date() },
  );
  const start = performance.now();
  const res = await fetch(stack.sns.url, { method: 'POST', headers, body });
  if (res.status !== 200) throw new Error(`Publish failed: ${res.status} ${await res.text()}`);
  const deleted = () => sandbox.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/pods/${pod}`));
  while (!deleted()) await new Promise((r) => setImmediate(r));
  return performance.now() - start;
};

const samples: number[] = [];
for (let i = 0; i < ALERTS; i++) {
  const pod = String(sandbox.store.list('pods', 'demo')[0]?.metadata.name);
  samples.push(await publish(pod));
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
