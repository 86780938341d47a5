import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../../infra/local/policies.js';
import { type E2e, startE2e, waitFor } from '../../support/e2e.js';
import { waitForQuery, waitForValue } from '../../support/prometheus.js';
import { notification } from '../../support/remedy.js';
import { publish } from '../../support/sns-publish.js';

// `npm start` with Prometheus installed: it scrapes the sandbox, local.json names it, and the example policies'
// analysis runs through the deployed path: SNS → function → clusters registry → AMP workspace on the local AWS
// endpoint (SigV4, aps) → the real Prometheus.
describe('npm start runs Prometheus for policy analysis', () => {
  let e2e: E2e;
  let prometheus: string;
  let local: { prometheus?: { endpoint: string; ampWorkspace?: string; exporter: { set: string } } };

  const fire = async (alertname: string, pod: string, fingerprint: string) => {
    const body = notification([{ labels: { namespace: 'demo', pod }, fingerprint }]);
    for (const alert of body.alerts) alert.labels.alertname = alertname;
    const res = await publish(e2e.stack.sns.url, {
      topicArn: e2e.stack.topicArn,
      message: JSON.stringify(body),
      attributes: { severity: 'warning', alertname },
    });
    expect(res.status).toBe(200);
    await e2e.stack.sns.idle();
    return waitFor(`the audit record of ${pod}`, async () =>
      (await e2e.audit(`AUDIT#sandbox/demo/Pod/${pod}`)).at(-1),
    );
  };
  const demoPod = () => String(e2e.stack.sandbox?.store.list('pods', 'demo')[0]?.metadata.name);

  beforeAll(async () => {
    e2e = await startE2e();
    local = JSON.parse(await readFile(e2e.stack.localJson, 'utf8'));
    prometheus = local.prometheus?.endpoint ?? '';
  });
  afterAll(async () => e2e?.stop());

  it('names its Prometheus in local.json and scrapes the sandbox', async () => {
    expect(prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e2e.stack.prometheusUrl).toBe(prometheus);
    expect(local.prometheus?.ampWorkspace).toBe(`${e2e.stack.aws?.url}/workspaces/ws-remedy-local`);
    await waitForQuery(
      prometheus,
      'kube_pod_status_phase{namespace="demo", phase="Running"} == 1',
      (s) => s.length === 3,
    );
  });

  it('every example policy analysis query is valid PromQL for Prometheus 2.42', async () => {
    const labels = { namespace: 'demo', pod: 'web-1', deployment: 'web', cluster: 'sandbox' };
    const { renderQuery } = await import('#domain/analysis/check.js');
    const { policySchema } = await import('#domain/policy/schema.js');
    const checks = readPolicyFiles('infra/policies').flatMap(({ document }) => {
      const analysis = policySchema.parse(document).analysis;
      return analysis ? [analysis.query] : [];
    });
    expect(checks.length).toBeGreaterThanOrEqual(3);
    for (const template of checks) {
      const rendered = renderQuery(template, labels);
      if (!rendered.ok) throw new Error(rendered.reason);
      const response = await fetch(`${prometheus}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: rendered.query }),
      });
      expect(response.status, rendered.query).toBe(200);
    }
  });

  it('does not restart a pod Prometheus sees no restarts for, having asked through the AMP route', async () => {
    const pod = demoPod();
    // increase() needs two scrapes of the counter in its window: until then the honest answer is "no data".
    await waitForQuery(prometheus, `increase(kube_pod_container_status_restarts_total{pod="${pod}"}[15m])`);
    const record = await fire('PodRestartingOften', pod, 'ab01');
    expect(record).toMatchObject({
      outcome: 'skipped',
      code: 'analysis-not-confirmed',
      policy: 'restart-pod-restarting-often',
    });
    expect(String(record.reason)).toContain(
      `increase(kube_pod_container_status_restarts_total{namespace="demo", pod="${pod}"}[15m])`,
    );
    expect(
      e2e.stack.aws?.calls.filter((c) => c.service === 'aps' && c.status === 200).length,
    ).toBeGreaterThan(0);
    expect(e2e.stack.sandbox?.store.get('pods', 'demo', pod)).toBeDefined();
  });

  it('acts on memory once Prometheus confirms it (synthetic gauges set through the exporter)', async () => {
    const pod = demoPod();
    const set = async (metric: string, labels: Record<string, string>, value: number) => {
      const res = await fetch(local.prometheus?.exporter.set ?? '', {
        method: 'POST',
        body: JSON.stringify({ metric, labels, value }),
      });
      expect(res.status).toBe(200);
    };
    const labels = { namespace: 'demo', pod, container: 'nginx' };
    await set('container_memory_working_set_bytes', labels, 980);
    await set('kube_pod_container_resource_limits', { ...labels, resource: 'memory' }, 1000);
    await waitForValue(prometheus, `kube_pod_container_resource_limits{pod="${pod}"}`, 1000);
    await waitForValue(prometheus, `container_memory_working_set_bytes{pod="${pod}"}`, 980);
    const record = await fire('PodMemoryNearLimit', pod, 'ab02');
    expect(record).toMatchObject({
      policy: 'evict-pod-near-memory-limit',
      details: expect.objectContaining({ analysisStatus: 'true', analysisValue: 0.98 }),
    });
    // Acted, or refused by the pod's PodDisruptionBudget: either way past the analysis.
    expect(String(record.code)).not.toMatch(/^analysis-/);
  });
});
