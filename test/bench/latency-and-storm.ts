// Through the whole local stack (SigV4-checked SNS Publish → filter policy → remediate → DynamoDB Local →
// EKS path → sandbox API over TLS → local Slack): publish → pod DELETE latency, and an alert storm.
import { performance } from 'node:perf_hooks';
import { publish } from '../support/sns-publish.js';
import { type Counts, diff } from './support/dynamodb-counter.js';
import {
  alert,
  type BenchEnv,
  livePod,
  notificationOf,
  STORM_ALERTNAME,
  STORM_BUDGET,
} from './support/env.js';

const deletesOf = (env: BenchEnv, since: number) =>
  env.sandbox.requests.slice(since).filter((r) => r.method === 'DELETE' && r.path.includes('/pods/'));

const publishOrThrow = async (env: BenchEnv, message: unknown, subject: string) => {
  const res = await publish(env.stack.sns.url, {
    topicArn: env.stack.topicArn,
    subject,
    message: JSON.stringify(message),
    attributes: { severity: 'warning' },
  });
  if (res.status !== 200) throw new Error(`Publish failed: ${res.status} ${res.body}`);
};

export interface LatencyResult {
  alerts: number;
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile. */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** One alert at a time: the first (the handler's cold start in the stack), then `alerts` warm ones. */
export const runLatency = async (env: BenchEnv, alerts: number): Promise<LatencyResult> => {
  const samples: number[] = [];
  for (let i = 0; i <= alerts; i++) {
    const pod = livePod(env.sandbox);
    const since = env.sandbox.requests.length;
    const start = performance.now();
    await publishOrThrow(
      env,
      notificationOf([alert({ alertname: 'KubePodCrashLooping', pod })]),
      '[FIRING:1] KubePodCrashLooping',
    );
    // A bench that hangs measures nothing: an alert not acted on within 30 s is an error naming the pod.
    const deadline = start + 30_000;
    while (!deletesOf(env, since).some((r) => r.path.endsWith(`/pods/${pod}`))) {
      if (performance.now() > deadline)
        throw new Error(`alert ${i} for pod demo/${pod}: no DELETE within 30 s`);
      await new Promise((r) => setImmediate(r));
    }
    samples.push(performance.now() - start);
    await env.stack.sns.idle();
  }
  const [first = Number.NaN, ...warm] = samples;
  warm.sort((a, b) => a - b);
  return {
    alerts,
    firstMs: first,
    p50Ms: percentile(warm, 50),
    p99Ms: percentile(warm, 99),
    maxMs: warm.at(-1) ?? Number.NaN,
  };
};

export interface StormResult {
  alerts: number;
  notifications: number;
  budget: number;
  wallMs: number;
  actions: number;
  deleteRequests: number;
  slack: Record<string, number>;
  dynamodb: Counts;
  /** DynamoDB calls by operation and key prefix (`PutItem AUDIT`), to see what a count is made of. */
  dynamodbByKey: Counts;
}

/**
 * 1,000 alerts for 1,000 distinct live pods in 10 notifications (10 alert groups), published at once, under a
 * policy budget of STORM_BUDGET per hour: exactly that many pods may be deleted; every other alert is audited as
 * skipped; the notifier summarises per notification.
 */
export const runStorm = async (
  env: BenchEnv,
  opts: { notifications: number; perNotification: number },
): Promise<StormResult> => {
  const total = opts.notifications * opts.perNotification;
  const web = env.sandbox.store.get('deployments', 'demo', 'web');
  if (!web) throw new Error('no demo/web');
  env.sandbox.store.update('deployments', { ...web, spec: { ...(web.spec as object), replicas: total } });
  const pods = env.sandbox.store
    .list('pods', 'demo')
    .filter((p) => !p.metadata.deletionTimestamp && String(p.metadata.name).startsWith('web-'))
    .map((p) => String(p.metadata.name))
    .slice(0, total);
  if (pods.length < total) throw new Error(`only ${pods.length} live pods for the storm`);
  // Let the sandbox's kubelet bring the new pods up before the clock starts: its status writes (each followed
  // by controllers listing every pod) are the simulated cluster's work, not remedy's.
  const settled = () =>
    env.sandbox.store
      .list('pods', 'demo')
      .every((p) => (p.status as { phase?: string })?.phase === 'Running');
  for (let i = 0; i < 600 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
  const messages = Array.from({ length: opts.notifications }, (_, n) =>
    notificationOf(
      pods
        .slice(n * opts.perNotification, (n + 1) * opts.perNotification)
        .map((pod) => alert({ alertname: STORM_ALERTNAME, pod })),
      { shard: String(n) },
    ),
  );
  await env.stack.sns.idle();
  const kube = env.sandbox.requests.length;
  const slack = env.stack.sinks.slack.requests.length;
  const dynamodb = env.dynamodb.snapshot();
  const logFrom = env.dynamodb.log.length;
  const start = performance.now();
  await Promise.all(messages.map((m) => publishOrThrow(env, m, `[FIRING:${opts.perNotification}] storm`)));
  await env.stack.sns.idle();
  const wallMs = performance.now() - start;
  const slackCalls: Record<string, number> = {};
  for (const r of env.stack.sinks.slack.requests.slice(slack)) {
    const method = r.path.split('/').at(-1) ?? r.path;
    slackCalls[method] = (slackCalls[method] ?? 0) + 1;
  }
  return {
    alerts: total,
    notifications: opts.notifications,
    budget: STORM_BUDGET,
    wallMs,
    // Pods of the storm that are gone: a DELETE retried after a timeout is not a second action.
    actions: pods.filter((p) => !env.sandbox.store.get('pods', 'demo', p)).length,
    deleteRequests: deletesOf(env, kube).length,
    slack: slackCalls,
    dynamodb: diff(env.dynamodb.snapshot(), dynamodb),
    dynamodbByKey: env.dynamodb.log.slice(logFrom).reduce<Counts>((acc, line) => {
      const key = line.replace(/#.*$/, '');
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {}),
  };
};
