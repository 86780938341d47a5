// Benchmark of the guarantees under load, against DynamoDB Local and the sandbox API (`npm run bench`):
// (1) 10 concurrent deliveries of one notification × 100 alerts → exactly 100 actions;
// (2) 500 matching alerts with a budget of 5 per hour → 5 actions, 495 audited skips, one summary.
// Prints wall time and DynamoDB calls by operation. Not a test: the assertions live in
// test/integration/app/guarantees.int.test.ts; here a mismatch is printed and fails the process.
import { performance } from 'node:perf_hooks';
import { remediateNotification } from '#app/remediate-notification.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../support/remedy.js';
import { type Counts, diff, startDynamoDbCounter } from './support/dynamodb-counter.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const scaleWeb = (h: RemedyHarness, replicas: number): string[] => {
  const web = h.sandbox.store.get('deployments', 'demo', 'web');
  if (!web) throw new Error('no demo/web');
  h.sandbox.store.update('deployments', { ...web, spec: { ...(web.spec as object), replicas } });
  return h.sandbox.store.list('pods', 'demo').map((p) => String(p.metadata.name));
};
const deletes = (h: RemedyHarness) => h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
const sns = (body: unknown) => ({
  MessageId: crypto.randomUUID(),
  Message: JSON.stringify(body),
  MessageAttributes: {},
});
const fmt = (calls: Counts) =>
  Object.entries(calls)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ') || 'none counted';
let ok = true;

const ddb = await startDynamoDbLocal();
// Calls are counted on the wire, by operation, from after each harness has created its tables.
const counter = await startDynamoDbCounter(ddb.endpoint);
const countCalls = () => {
  const before = counter.snapshot();
  return () => diff(counter.snapshot(), before);
};
try {
  {
    const h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 1000, per: '1h' } } }], {
      dynamodbEndpoint: counter.url,
    });
    const calls = countCalls();
    const pods = scaleWeb(h, 100).slice(0, 100);
    const message = sns(
      notification(
        pods.map((pod, i) => ({
          labels: { namespace: 'demo', pod },
          fingerprint: (0x10000 + i).toString(16),
        })),
      ),
    );
    const start = performance.now();
    const summaries = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        remediateNotification(message, h.deps, { requestId: `bench-${i}` }),
      ),
    );
    const ms = performance.now() - start;
    const acted = summaries.reduce((s, x) => s + (x.outcomes.acted ?? 0), 0);
    ok &&= acted === 100 && deletes(h) === 100;
    process.stdout.write(
      `idempotency: 10 concurrent deliveries × 100 alerts → ${acted} actions, ${deletes(h)} DELETEs in ${(ms / 1000).toFixed(1)} s\n` +
        `  DynamoDB calls: ${fmt(calls())}\n`,
    );
    await h.close();
  }
  {
    const h = await startRemedy([{ ...crashLoopPolicy, guard: { maxActions: { count: 5, per: '1h' } } }], {
      dynamodbEndpoint: counter.url,
    });
    const calls = countCalls();
    const pods = scaleWeb(h, 500);
    const start = performance.now();
    const summary = await remediateNotification(
      sns(
        notification(
          pods.map((pod, i) => ({
            labels: { namespace: 'demo', pod },
            fingerprint: (0x20000 + i).toString(16),
          })),
        ),
      ),
      h.deps,
      { requestId: 'bench-storm' },
    );
    const ms = performance.now() - start;
    const summaries = h.notifier.records.filter((r) => r.code === 'budget-exhausted').length;
    ok &&= summary.outcomes.acted === 5 && summary.outcomes.skipped === 495 && summaries === 1;
    process.stdout.write(
      `storm: 500 alerts, budget 5/h → acted ${summary.outcomes.acted}, skipped ${summary.outcomes.skipped}, ` +
        `${summaries} summary notification(s) in ${(ms / 1000).toFixed(1)} s\n  DynamoDB calls: ${fmt(calls())}\n`,
    );
    await h.close();
  }
} finally {
  await counter.close();
  await ddb.stop();
}
if (!ok) {
  process.stderr.write('a guarantee did not hold: see above\n');
  process.exitCode = 1;
}
