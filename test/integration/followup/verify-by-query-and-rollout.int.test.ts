import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOutcomes } from '#adapters/dynamodb/outcomes.js';
import { buildPrometheus } from '#adapters/prometheus/build.js';
import { type FollowupDeps, followUp } from '#app/followup.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { FollowupMessage } from '#domain/verify/message.js';
import { rolloutState } from '#domain/verify/rollout.js';
import { waitFor } from '../../support/e2e.js';
import { CapturingScheduler } from '../../support/followup.js';
import {
  type Exporter,
  type RunningPrometheus,
  startExporter,
  startPrometheus,
  waitForValue,
} from '../../support/prometheus.js';
import { notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { fingerprint } from '../../support/workloads.js';

const RESTARTS = 'remedy_test_container_restarts_recent';

const crashLoop = {
  name: 'restart-crashlooping-pod',
  match: { alertname: 'KubePodCrashLooping' },
  priority: 100,
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
  guard: { cooldown: '0s' },
  // Recovered when the deployment's pods stopped restarting.
  verify: { after: '5m', query: `max(${RESTARTS}{namespace="{{namespace}}"})`, condition: '== 0' },
};
const restart = {
  name: 'restart-stuck-deployment',
  match: { alertname: 'KubeDeploymentReplicasMismatch' },
  priority: 100,
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    deployment: { fromLabel: 'deployment' },
  },
  action: { type: 'restartDeployment' },
  guard: { cooldown: '0s' },
  verify: { after: '3m', rolloutComplete: true },
};

describe('verification by PromQL (real Prometheus 2.42) and by rollout status (sandbox)', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;
  let h: RemedyHarness;
  let scheduler: CapturingScheduler;
  let deps: FollowupDeps;

  const fire = async (alertname: string, labels: Record<string, string>) => {
    const body = notification([{ labels, fingerprint: fingerprint(), startsAt: new Date().toISOString() }]);
    for (const a of body.alerts) a.labels.alertname = alertname;
    const before = scheduler.sent.length;
    await remediateNotification(
      { MessageId: crypto.randomUUID(), Message: JSON.stringify(body), MessageAttributes: {} },
      h.deps,
      { requestId: crypto.randomUUID() },
    );
    const message = scheduler.sent[before]?.message;
    if (!message) throw new Error(`no followup scheduled: ${JSON.stringify(h.notifier.records.at(-1))}`);
    return message;
  };
  const restarts = async (value: number) => {
    exporter.set(RESTARTS, { namespace: 'demo' }, value);
    await waitForValue(prometheus.url, `${RESTARTS}{namespace="demo"}`, value);
  };
  const anyPod = () => h.sandbox.store.list('pods', 'demo')[0]?.metadata.name as string;

  beforeAll(async () => {
    exporter = await startExporter();
    [prometheus, h] = await Promise.all([
      startPrometheus({ scrapeTargets: [exporter.url] }),
      startRemedy([crashLoop, restart]),
    ]);
    scheduler = new CapturingScheduler();
    const store = new DynamoOutcomes(h.tables.doc, h.tables.stateTable);
    h.deps.verification = { store, scheduler, delayScale: 1 };
    const later = new Date(Date.now() + 60 * 60_000);
    deps = {
      store,
      scheduler,
      clusters: h.deps.clusters,
      prometheus: buildPrometheus({ region: 'us-east-1', fallback: { endpoint: prometheus.url } }),
      notifier: h.notifier,
      ledger: h.deps.ledger,
      metrics: h.metrics,
      logger: h.logger,
      clock: () => later,
    };
  });
  afterAll(async () => {
    await h?.close();
    await prometheus?.stop();
    await exporter?.close();
  });

  it('recovered: the condition holds after acting, and the record quotes what Prometheus said', async () => {
    const message = await fire('KubePodCrashLooping', { namespace: 'demo', pod: anyPod() });
    await restarts(0);
    const result = await followUp(JSON.stringify(message), 'q-1', deps);
    expect(result).toEqual({ kind: 'verified', verdict: 'recovered', quarantined: false });
    expect(h.notifier.records.at(-1)).toMatchObject({
      outcome: 'recovered',
      code: 'query-true',
      details: { query: `max(${RESTARTS}{namespace="demo"})`, value: 0 },
    });
  });

  it('not recovered: the pods still restart', async () => {
    const message = await fire('KubePodCrashLooping', { namespace: 'demo', pod: anyPod() });
    await restarts(4);
    const result = await followUp(JSON.stringify(message), 'q-2', deps);
    expect(result).toEqual({ kind: 'verified', verdict: 'not-recovered', quarantined: false });
    const record = h.notifier.records.at(-1);
    expect(record).toMatchObject({ outcome: 'not-recovered', code: 'query-false', details: { value: 4 } });
    expect(record?.reason).toMatch(/== 0 still does not hold/);
  });

  it('a query Prometheus refuses is inconclusive, never a verdict on a guess', async () => {
    const message = await fire('KubePodCrashLooping', { namespace: 'demo', pod: anyPod() });
    const broken = {
      ...message,
      verify: { ...message.verify, query: `max(${RESTARTS}{namespace="{{namespace}}"}` },
    } as FollowupMessage;
    const result = await followUp(JSON.stringify(broken), 'q-3', deps);
    expect(result).toEqual({ kind: 'verified', verdict: 'inconclusive', quarantined: false });
    expect(h.notifier.records.at(-1)).toMatchObject({ outcome: 'inconclusive', code: 'query-error' });
  });

  it('rolloutComplete: the restarted deployment rolled out in the sandbox', async () => {
    // Prepare
    const message = await fire('KubeDeploymentReplicasMismatch', { namespace: 'demo', deployment: 'web' });
    expect(message.action).toMatchObject({ code: 'restartDeployment' });
    // The sandbox's controllers roll the deployment out, as a real cluster's would before `after` passes.
    await waitFor('the sandbox to finish the rollout', () => {
      const web = h.sandbox.store.get('deployments', 'demo', 'web');
      return web !== undefined && rolloutState('Deployment', web).state === 'complete';
    });
    // Act
    const result = await followUp(JSON.stringify(message), 'r-1', deps);
    // Assess
    expect(result).toEqual({ kind: 'verified', verdict: 'recovered', quarantined: false });
    const record = h.notifier.records.at(-1);
    expect(record).toMatchObject({ outcome: 'recovered', code: 'rollout-complete' });
    expect(record?.reason).toMatch(/^deployment demo\/web rolled out: 3 of 3 replicas updated and available/);
  });
});
