import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEndpointResolver } from '#adapters/prometheus/build.js';
import { createTsdbAdmin } from '#adapters/prometheus/tsdb-admin.js';
import { remediateNotification } from '#app/remediate-notification.js';
import type { AuditRecord } from '#domain/audit.js';
import {
  type Exporter,
  type QuerySample,
  queryPrometheus,
  type RunningPrometheus,
  startExporter,
  startPrometheus,
  waitForQuery,
} from '../../support/prometheus.js';
import { notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

// Prometheus's own remedy, end to end: Debian's Prometheus with --web.enable-admin-api scraping an exporter
// the test drives, the real TSDB admin client reached through the per-cluster endpoint resolution, the real
// use case with DynamoDB Local. Each case asks Prometheus which series still exist.

const NOISY = 'remedy_test_request_duration_bucket';
const KEEP = 'remedy_test_up';

const target = {
  cluster: { fromLabel: 'cluster', default: 'sandbox' },
  namespace: { value: 'monitoring' },
  statefulset: { value: 'prometheus-k8s' },
};
const policies = [
  {
    name: 'prometheus-drop-noisy-series',
    match: { alertname: 'PrometheusStorageHigh' },
    target,
    action: { type: 'deleteSeries', matchers: [`${NOISY}{job="exporter"}`], cleanTombstones: true },
  },
  {
    name: 'prometheus-drop-dry-run',
    match: { alertname: 'PrometheusStorageHighDryRun' },
    target: { ...target, statefulset: { value: 'prometheus-dry' } },
    action: { type: 'deleteSeries', matchers: [KEEP], olderThan: '1h' },
    guard: { dryRun: true },
  },
  {
    name: 'prometheus-drop-when-disabled',
    match: { alertname: 'PrometheusStorageHighNoAdmin' },
    target: { ...target, cluster: { value: 'noadmin' } },
    action: { type: 'deleteSeries', matchers: [KEEP] },
  },
];

/**
 * The series of `metric` that still have samples in the last hour. (Not the series API: for the head block it
 * lists series from the index without reading their chunks, so it shows deleted series until compaction.)
 */
const seriesOf = (prometheusUrl: string, metric: string): Promise<QuerySample[]> =>
  queryPrometheus(prometheusUrl, `count_over_time(${metric}[1h])`);

const fire = async (h: RemedyHarness, deps: RemedyHarness['deps'], labels: Record<string, string>) => {
  const before = h.notifier.records.length;
  const body = notification([{ labels, fingerprint: crypto.randomUUID().replaceAll('-', '') }]);
  await remediateNotification(
    { MessageId: crypto.randomUUID(), Message: JSON.stringify(body), MessageAttributes: {} },
    deps,
    { requestId: crypto.randomUUID() },
  );
  return h.notifier.records.slice(before).at(-1) as AuditRecord;
};

describe('deleteSeries against a real Prometheus with the admin API', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;
  let disabled: RunningPrometheus;
  let h: RemedyHarness;
  let deps: RemedyHarness['deps'];
  const sent: Array<{ url: string; body: string }> = [];

  beforeAll(async () => {
    exporter = await startExporter();
    for (const shard of ['1', '2', '3']) exporter.set(NOISY, { shard, le: '0.5' }, 1);
    exporter.set(KEEP, { shard: '1' }, 1);
    [prometheus, disabled] = await Promise.all([
      startPrometheus({ scrapeTargets: [exporter.url], adminApi: true }),
      startPrometheus({ scrapeTargets: [exporter.url], adminApi: false }),
    ]);
    h = await startRemedy(policies);
    const resolve = buildEndpointResolver({ region: 'us-east-1', fallback: { endpoint: prometheus.url } });
    const tsdb = createTsdbAdmin({
      resolve: (cluster) =>
        cluster === 'noadmin'
          ? Promise.resolve({ url: disabled.url, authorize: async () => ({}) })
          : resolve(cluster),
      // Records exactly what reached Prometheus, then sends it.
      fetch: async (input, init) => {
        sent.push({ url: String(input), body: String(init?.body ?? '') });
        return fetch(input, init);
      },
    });
    deps = { ...h.deps, actions: { tsdb } };
    await waitForQuery(prometheus.url, `count(${NOISY}) == 3`);
    await waitForQuery(prometheus.url, KEEP);
  });
  afterAll(async () => {
    await h?.close();
    await prometheus?.stop();
    await disabled?.stop();
    await exporter?.close();
  });

  it('deletes the policy’s series, cleans tombstones and keeps every other series', async () => {
    // Prepare: the exporter stops exposing them, or the next scrape would bring them back.
    for (const shard of ['1', '2', '3']) exporter.remove(NOISY, { shard, le: '0.5' });
    // Wait for the staleness markers: written after the deletion, they would bring the series back.
    await waitForQuery(prometheus.url, NOISY, (samples) => samples.length === 0);
    expect(await seriesOf(prometheus.url, NOISY)).toHaveLength(3);

    // Act: the alert carries hostile labels; none of them reaches the matchers.
    const record = await fire(h, deps, {
      alertname: 'PrometheusStorageHigh',
      job: '.+',
      __name__: 'remedy_test_up',
      metric: `${KEEP}"} or {__name__=~".+`,
    });

    // Assess
    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'deleteSeries',
      target: { cluster: 'sandbox', namespace: 'monitoring', kind: 'StatefulSet', name: 'prometheus-k8s' },
      details: { matchers: `${NOISY}{job="exporter"}`, cleanTombstones: true, prometheus: prometheus.url },
    });
    expect(record.reason).toBe(
      `deleted the series ${NOISY}{job="exporter"} from Prometheus ${prometheus.url} of cluster sandbox; tombstones cleaned, the space is freed now`,
    );
    expect(sent.map((s) => [new URL(s.url).pathname, s.body])).toEqual([
      [
        '/api/v1/admin/tsdb/delete_series',
        new URLSearchParams({ 'match[]': `${NOISY}{job="exporter"}` }).toString(),
      ],
      ['/api/v1/admin/tsdb/clean_tombstones', ''],
    ]);
    expect(await seriesOf(prometheus.url, NOISY)).toEqual([]);
    expect(await seriesOf(prometheus.url, KEEP)).toHaveLength(1);
  });

  it('records a Prometheus without the admin API as a final failure that says how to enable it', async () => {
    const record = await fire(h, deps, { alertname: 'PrometheusStorageHighNoAdmin' });

    expect(record).toMatchObject({ outcome: 'failed', code: 'tsdb-refused', details: { status: 500 } });
    expect(record.reason).toContain('admin APIs disabled');
    expect(record.reason).toContain('(start Prometheus with --web.enable-admin-api)');
    expect(await seriesOf(disabled.url, KEEP)).toHaveLength(1);
  });

  it('in dry-run says what it would delete and sends nothing', async () => {
    const before = sent.length;
    const record = await fire(h, deps, { alertname: 'PrometheusStorageHighDryRun' });
    expect(record).toMatchObject({ outcome: 'would-act', code: 'deleteSeries' });
    expect(record.reason).toMatch(
      new RegExp(`^would delete the series ${KEEP} older than 1h from the Prometheus of cluster sandbox`),
    );
    expect(sent.length).toBe(before);
    expect(await seriesOf(prometheus.url, KEEP)).toHaveLength(1);
  });

  it('sends only samples older than olderThan when the policy says so', async () => {
    const admin = createTsdbAdmin({
      resolve: async () => ({ url: prometheus.url, authorize: async () => ({}) }),
    });
    // Everything of KEEP is younger than an hour: deleting what is older leaves the series in place.
    await admin.deleteSeries('sandbox', { matchers: [KEEP], end: new Date(Date.now() - 3_600_000) });
    expect(await seriesOf(prometheus.url, KEEP)).toHaveLength(1);
  });
});
