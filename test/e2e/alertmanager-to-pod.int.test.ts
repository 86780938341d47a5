import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import type { RunningAlertmanager } from '../support/alertmanager.js';
import { type E2e, startE2e, waitFor } from '../support/e2e.js';

/**
 * The spine, end to end with real parts: Debian's Alertmanager with the shipped template and config publishes
 * to the local SNS endpoint (SigV4 checked), which invokes the remediate handler as serverless.yml wires it;
 * the handler reads the policy from DynamoDB Local and deletes the pod in the sandbox over TLS.
 */
describe('Alertmanager → SNS → remediate → Kubernetes', () => {
  let e2e: E2e;
  let stack: LocalStack;
  let am: RunningAlertmanager;

  const pods = () => (stack.sandbox?.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
  const deletes = () => (stack.sandbox?.requests ?? []).filter((r) => r.method === 'DELETE');
  const audit = (pk: string) => e2e.audit(pk);

  beforeAll(async () => {
    e2e = await startE2e({ alertmanager: true });
    if (!e2e.am) throw new Error('no Alertmanager');
    ({ stack, am } = e2e);
  });
  afterAll(async () => e2e?.stop());

  it('deletes the crash-looping pod; the sandbox replaces it; resolve is recorded', async () => {
    // Prepare
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const startsAt = new Date().toISOString();
    // Act: the kube-prometheus alert, as Prometheus would post it.
    await am.postAlerts([
      {
        labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod: victim },
        annotations: { description: `Pod demo/${victim} is restarting 3 times / 10 minutes.` },
        startsAt,
      },
    ]);
    // Assess
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await waitFor('a replacement pod', () => pods().length === 3);
    await stack.sns.idle();
    const acted = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(acted).toHaveLength(1);
    expect(acted[0]).toMatchObject({
      outcome: 'acted',
      code: 'deletePod',
      policy: 'restart-crashlooping-pod',
    });

    // Act: resolve it.
    await am.postAlerts([
      {
        labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod: victim },
        startsAt,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    const resolved = await waitFor('the resolved record', async () => {
      const items = (await audit('AUDIT#alert/KubePodCrashLooping')).filter((i) => i.outcome === 'resolved');
      return items.length > 0 ? items : undefined;
    });
    expect(resolved[0]).toMatchObject({ outcome: 'resolved', fingerprint: acted[0]?.fingerprint });
    expect(deletes().filter((d) => d.path.includes(victim))).toHaveLength(1);
  });

  it('acts once when SNS delivers the same message twice', async () => {
    // Prepare: the notification Alertmanager published for a new victim.
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const before = stack.sns.published.length;
    await am.postAlerts([
      { labels: { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'demo', pod: victim } },
    ]);
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await stack.sns.idle();
    const published = stack.sns.published.slice(before).find((m) => m.message.includes(victim));
    if (!published) throw new Error('Alertmanager did not publish');
    // Act: SNS at-least-once: the very same message (same MessageId) reaches the function again, twice at once.
    stack.sns.redeliver(published.messageId);
    stack.sns.redeliver(published.messageId);
    await stack.sns.idle();
    // Assess
    expect(deletes().filter((d) => d.path.endsWith(`/pods/${victim}`))).toHaveLength(1);
    const records = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(records.map((r) => r.outcome).sort()).toEqual(['acted', 'skipped', 'skipped']);
    expect(records.filter((r) => r.code === 'duplicate')).toHaveLength(2);
  });

  it('parses label and annotation values with quotes, backslashes, newlines and non-ASCII, and still acts', async () => {
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const nasty = 'say "hi" \\ C:\\path\nline2\ttab — ünïcødé 日本語 🚨 </script>';
    await am.postAlerts([
      {
        labels: {
          alertname: 'KubePodCrashLooping',
          severity: 'warning',
          namespace: 'demo',
          pod: victim,
          team: nasty,
        },
        annotations: { description: nasty, summary: `"${nasty}"` },
      },
    ]);
    await waitFor('the pod to be deleted', () => !pods().includes(victim));
    await stack.sns.idle();
    const [record] = await audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(record).toMatchObject({ outcome: 'acted' });
    const published = stack.sns.published.find((m) => m.message.includes(victim));
    const parsed = JSON.parse(published?.message ?? '{}') as {
      alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
    };
    const ours = parsed.alerts.find((a) => a.labels.pod === victim);
    expect(ours?.labels.team).toBe(nasty);
    expect(ours?.annotations.summary).toBe(`"${nasty}"`);
  });
});
