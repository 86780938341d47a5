import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Exporter,
  findPrometheusBinary,
  queryPrometheus,
  type RunningPrometheus,
  startExporter,
  startPrometheus,
  waitForQuery,
  waitForValue,
} from '../../support/prometheus.js';

// The harness other tests build on: a real Prometheus scraping an exporter the test drives.
describe('Prometheus test harness', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus({ scrapeTargets: [exporter.url], adminApi: true });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it('serves the values the test sets, escaped, in the text format', async () => {
    exporter.set('harness_value', { pod: 'web-1', note: 'a "quoted"\\ value' }, 0.5);
    const text = await (await fetch(exporter.url)).text();
    expect(text).toContain('# TYPE harness_value gauge');
    expect(text).toContain('harness_value{note="a \\"quoted\\"\\\\ value",pod="web-1"} 0.5');
  });

  it('makes a set value queryable, and a removed one stale', async () => {
    exporter.set('harness_memory_ratio', { pod: 'web-1' }, 0.97);
    const [sample] = await waitForValue(prometheus.url, 'harness_memory_ratio{pod="web-1"}', 0.97);
    expect(sample?.metric).toMatchObject({ __name__: 'harness_memory_ratio', pod: 'web-1', job: 'exporter' });

    exporter.set('harness_memory_ratio', { pod: 'web-1' }, 0.2);
    await waitForValue(prometheus.url, 'harness_memory_ratio{pod="web-1"}', 0.2);

    exporter.remove('harness_memory_ratio', { pod: 'web-1' });
    await waitForQuery(prometheus.url, 'harness_memory_ratio{pod="web-1"}', (s) => s.length === 0);
  });

  it('reports query errors and enables the admin API on request', async () => {
    await expect(queryPrometheus(prometheus.url, 'sum(')).rejects.toThrow(/400/);
    const response = await fetch(`${prometheus.url}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
    expect(response.status).toBe(204);
  });

  it('refuses to start without its binary, saying how to install it', () => {
    expect(() => findPrometheusBinary('/nonexistent', [])).toThrow(
      /Prometheus not found.*apt-get install prometheus/,
    );
  });
});
