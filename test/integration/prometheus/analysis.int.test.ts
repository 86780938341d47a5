import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrometheus } from '#adapters/prometheus/build.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { AuditRecord } from '#domain/audit.js';
import {
  type Exporter,
  freePort,
  type RunningPrometheus,
  startExporter,
  startPrometheus,
  waitForQuery,
  waitForValue,
} from '../../support/prometheus.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

// Look before acting, end to end: real Prometheus 2.42 scraping an exporter the test drives, the real HTTP
// adapter, DynamoDB Local and the sandbox Kubernetes API. Each case checks what happened to the pod, not only
// what was recorded.

const MEMORY = 'remedy_test_pod_memory_ratio';

/** Restart a pod on KubePodMemoryHigh only if Prometheus still sees it above 95 % of its limit. */
const memoryPolicy = {
  ...crashLoopPolicy,
  name: 'restart-pod-near-memory-limit',
  match: { alertname: 'KubePodMemoryHigh', matchers: [] },
  analysis: { query: `max(${MEMORY}{namespace="{{namespace}}", pod="{{pod}}"})`, condition: '> 0.95' },
};

/** A check Prometheus refuses (unbalanced parenthesis): remedy must not act on it. */
const brokenQueryPolicy = {
  ...crashLoopPolicy,
  name: 'restart-with-broken-check',
  match: { alertname: 'KubePodBrokenCheck', matchers: [] },
  analysis: { query: `max(${MEMORY}{pod="{{pod}}"}`, condition: '> 0.95' },
};

/** Acts without data when told to (onEmpty: act), never when the check cannot be asked. */
const actWithoutDataPolicy = {
  ...crashLoopPolicy,
  name: 'restart-even-without-data',
  match: { alertname: 'KubePodNoData', matchers: [] },
  analysis: {
    query: `max(${MEMORY}{namespace="{{namespace}}", pod="{{pod}}"})`,
    condition: '> 0.95',
    onEmpty: 'act',
    onError: 'act',
  },
};

const sns = (alertname: string, pod: string, fingerprint: string) => {
  const body = notification([{ labels: { namespace: 'demo', pod }, fingerprint }]);
  for (const alert of body.alerts) alert.labels.alertname = alertname;
  return { MessageId: crypto.randomUUID(), Message: JSON.stringify(body), MessageAttributes: {} };
};

describe('policy analysis against a real Prometheus', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;
  let h: RemedyHarness;

  const pods = () =>
    h.sandbox.store
      .list('pods', 'demo')
      .map((p) => p.metadata.name)
      .sort();
  const anyPod = () => {
    const [pod] = pods();
    if (!pod) throw new Error('sandbox has no pods');
    return pod;
  };
  const lastRecord = (): AuditRecord => {
    const record = h.notifier.records.at(-1);
    if (!record) throw new Error('nothing recorded');
    return record;
  };
  /** Sets a pod's memory ratio and waits until Prometheus has scraped it. */
  const memoryOf = async (pod: string, value: number) => {
    exporter.set(MEMORY, { namespace: 'demo', pod }, value);
    await waitForValue(prometheus.url, `${MEMORY}{namespace="demo", pod="${pod}"}`, value);
  };

  beforeAll(async () => {
    exporter = await startExporter();
    [prometheus, h] = await Promise.all([
      startPrometheus({ scrapeTargets: [exporter.url] }),
      startRemedy([memoryPolicy, brokenQueryPolicy, actWithoutDataPolicy]),
    ]);
    h.deps.prometheus = buildPrometheus({ region: 'us-east-1', fallback: { endpoint: prometheus.url } });
  });
  afterAll(async () => {
    await h?.close();
    await prometheus?.stop();
    await exporter?.close();
  });

  it('acts when Prometheus confirms, and the audit record says what it saw', async () => {
    const pod = anyPod();
    await memoryOf(pod, 0.97);
    const summary = await remediateNotification(sns('KubePodMemoryHigh', pod, 'a1'), h.deps, {
      requestId: 'r1',
    });
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(pods()).not.toContain(pod);
    expect(lastRecord()).toMatchObject({
      outcome: 'acted',
      code: 'deletePod',
      details: {
        analysisQuery: `max(${MEMORY}{namespace="demo", pod="${pod}"})`,
        analysisCondition: '> 0.95',
        analysisStatus: 'true',
        analysisValue: 0.97,
      },
    });
    expect(h.metrics.total('Analysis', { status: 'true' })).toBe(1);
  });

  it('does not act when Prometheus does not confirm, and spends no claim: a later confirmation acts', async () => {
    const pod = anyPod();
    await memoryOf(pod, 0.4);
    const first = await remediateNotification(sns('KubePodMemoryHigh', pod, 'a2'), h.deps, {
      requestId: 'r2',
    });
    expect(first.outcomes).toEqual({ skipped: 1 });
    expect(pods()).toContain(pod);
    const skipped = lastRecord();
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      code: 'analysis-not-confirmed',
      policy: 'restart-pod-near-memory-limit',
      target: { namespace: 'demo', name: pod },
      details: { analysisStatus: 'false', analysisValue: 0.4 },
    });
    expect(skipped.reason).toBe(
      `analysis did not confirm the alert: query max(${MEMORY}{namespace="demo", pod="${pod}"}) returned 0.4 (not > 0.95)`,
    );

    // Same episode, Alertmanager's repeat: memory has climbed since, so now remedy acts.
    await memoryOf(pod, 0.99);
    const second = await remediateNotification(sns('KubePodMemoryHigh', pod, 'a2'), h.deps, {
      requestId: 'r3',
    });
    expect(second.outcomes).toEqual({ acted: 1 });
    expect(pods()).not.toContain(pod);
  });

  it('does not act when the query returns nothing (the default onEmpty: skip)', async () => {
    const pod = anyPod();
    exporter.remove(MEMORY, { namespace: 'demo', pod });
    await waitForQuery(prometheus.url, `${MEMORY}{pod="${pod}"}`, (s) => s.length === 0);
    const summary = await remediateNotification(sns('KubePodMemoryHigh', pod, 'a3'), h.deps, {
      requestId: 'r4',
    });
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(pods()).toContain(pod);
    expect(lastRecord()).toMatchObject({ code: 'analysis-empty', details: { analysisStatus: 'empty' } });
    expect(lastRecord().reason).toMatch(
      /^analysis found no data, not acting \(onEmpty: skip\): query .* returned no data$/,
    );
  });

  it('acts without data when the policy says onEmpty: act', async () => {
    const pod = anyPod();
    const summary = await remediateNotification(sns('KubePodNoData', pod, 'a4'), h.deps, { requestId: 'r5' });
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(pods()).not.toContain(pod);
    expect(lastRecord()).toMatchObject({
      outcome: 'acted',
      details: { analysisStatus: 'empty', analysisOverride: 'onEmpty: act' },
    });
  });

  it('does not act when Prometheus rejects the query, and says what Prometheus said', async () => {
    const pod = anyPod();
    const summary = await remediateNotification(sns('KubePodBrokenCheck', pod, 'a5'), h.deps, {
      requestId: 'r6',
    });
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(pods()).toContain(pod);
    expect(lastRecord()).toMatchObject({ code: 'analysis-error', details: { analysisStatus: 'error' } });
    expect(lastRecord().reason).toMatch(/answered 400: bad_data: .*parse error/);
  });

  it('does not act when Prometheus is down', async () => {
    const pod = anyPod();
    const down = `http://127.0.0.1:${await freePort()}`;
    const deps = {
      ...h.deps,
      prometheus: buildPrometheus({ region: 'us-east-1', fallback: { endpoint: down } }),
    };
    const summary = await remediateNotification(sns('KubePodMemoryHigh', pod, 'a6'), deps, {
      requestId: 'r7',
    });
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(pods()).toContain(pod);
    expect(lastRecord()).toMatchObject({ code: 'analysis-error' });
    expect(lastRecord().reason).toMatch(/Prometheus 127\.0\.0\.1:\d+ unreachable/);
  });

  it('never acts when no Prometheus is configured for the cluster, even with onError: act', async () => {
    const pod = anyPod();
    const none = { ...h.deps, prometheus: buildPrometheus({ region: 'us-east-1' }) };
    const summary = await remediateNotification(sns('KubePodNoData', pod, 'a7'), none, { requestId: 'r8' });
    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(pods()).toContain(pod);
    expect(lastRecord()).toMatchObject({ code: 'analysis-unavailable' });
    expect(lastRecord().reason).toMatch(/no Prometheus for cluster sandbox/);

    const unwired = { ...h.deps, prometheus: undefined };
    await remediateNotification(sns('KubePodNoData', pod, 'a8'), unwired, { requestId: 'r9' });
    expect(lastRecord()).toMatchObject({ code: 'analysis-unavailable' });
    expect(pods()).toContain(pod);
  });

  it('asks in dry-run too: "would act" only when Prometheus confirms', async () => {
    const pod = anyPod();
    const dryRun = { ...h.deps, mode: 'dry-run' as const };
    await memoryOf(pod, 0.5);
    await remediateNotification(sns('KubePodMemoryHigh', pod, 'a9'), dryRun, { requestId: 'r10' });
    expect(lastRecord()).toMatchObject({
      outcome: 'skipped',
      code: 'analysis-not-confirmed',
      mode: 'dry-run',
    });
    await memoryOf(pod, 0.96);
    await remediateNotification(sns('KubePodMemoryHigh', pod, 'a9'), dryRun, { requestId: 'r11' });
    expect(lastRecord()).toMatchObject({ outcome: 'would-act', details: { analysisValue: 0.96 } });
    expect(pods()).toContain(pod);
  });
});
