// The webhook path end to end with real parts, as `npm start` runs it: Debian's Alertmanager with the config the
// stack writes (.remedy/alertmanager-webhook.yml: webhook_configs + Bearer token) posts to the ingest Function
// URL, which publishes to the local SNS endpoint, which invokes remediate as serverless.yml wires it; the pod
// is deleted in the sandbox and the decision audited.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runAlertmanager } from '../../support/alertmanager.js';
import { type E2e, startE2e, waitFor } from '../../support/e2e.js';

describe('Alertmanager webhook → ingest → SNS → remediate → Kubernetes', () => {
  let e2e: E2e;
  let am: Awaited<ReturnType<typeof runAlertmanager>>;

  beforeAll(async () => {
    e2e = await startE2e();
    const config = parse(await readFile(e2e.stack.ingest.alertmanagerConfig, 'utf8')) as {
      route: Record<string, string>;
    };
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s' });
    am = await runAlertmanager(stringify(config));
  });
  afterAll(async () => {
    await am?.stop();
    await e2e?.stop();
  });

  it('deletes the crash-looping pod named by an alert posted through the webhook', async () => {
    const { stack } = e2e;
    const pods = () =>
      (stack.sandbox?.store.list('pods', 'demo') ?? []).map((p) => p.metadata.name as string);
    const [victim] = pods();
    if (!victim) throw new Error('sandbox has no pods');
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod: victim },
          annotations: { description: `Pod demo/${victim} is restarting.` },
          startsAt: new Date().toISOString(),
        },
      ]),
    });
    expect(res.status).toBe(200);
    await waitFor(`the pod to be deleted (Alertmanager log:\n${am.logs()})`, () => !pods().includes(victim));
    await stack.sns.idle();
    const published = stack.sns.published.filter((m) => m.subject === '[FIRING:1] KubePodCrashLooping');
    expect(published).toHaveLength(1);
    const acted = await e2e.audit(`AUDIT#sandbox/demo/Pod/${victim}`);
    expect(acted).toEqual([expect.objectContaining({ outcome: 'acted', code: 'deletePod' })]);
  });
});
