import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../infra/local/sandbox/index.js';
import { kubectl } from '../integration/sandbox/helpers.js';
import type { RunningAlertmanager } from '../support/alertmanager.js';
import { type E2e, startE2e, waitFor } from '../support/e2e.js';

/**
 * A bad release, end to end with real parts: the real kubectl rolls out nginx:1.28 on the sandbox, Debian's
 * Alertmanager publishes HTTPErrorRateHigh to the local SNS endpoint, and the remediate handler, with the
 * shipped rollback-bad-release policy, rolls demo/web back to nginx:1.27.
 */
describe('kubectl set image → HTTPErrorRateHigh → SNS → remediate → rollout undo', () => {
  let e2e: E2e;
  let sandbox: Sandbox;
  let am: RunningAlertmanager;
  let home: string;

  const image = () => sandbox.store.get('deployments', 'demo', 'web')?.spec.template.spec.containers[0].image;
  const audit = () => e2e.audit('AUDIT#sandbox/demo/Deployment/web');

  beforeAll(async () => {
    e2e = await startE2e({ alertmanager: true });
    if (!e2e.stack.sandbox || !e2e.am) throw new Error('the local stack started without its sandbox');
    ({ sandbox } = e2e.stack);
    ({ am, home } = e2e);
  });
  afterAll(async () => e2e?.stop());

  it('rolls a fresh release back to the previous image, and the audit says from which to which', async () => {
    // Prepare: a release, as an engineer would ship it.
    await kubectl(sandbox, home, '-n', 'demo', 'set', 'image', 'deployment/web', 'web=nginx:1.28');
    await kubectl(sandbox, home, '-n', 'demo', 'rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(image()).toBe('nginx:1.28');

    // Act: the error-rate alert fires for the Deployment.
    await am.postAlerts([
      {
        labels: {
          alertname: 'HTTPErrorRateHigh',
          severity: 'critical',
          namespace: 'demo',
          deployment: 'web',
        },
      },
    ]);

    // Assess
    const [record] = await waitFor('the rollback audit record', async () => {
      const items = await audit();
      return items.length > 0 ? items : undefined;
    });
    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'rollbackDeployment',
      policy: 'rollback-bad-release',
      reason:
        'rolled back deployment demo/web in cluster sandbox from revision 2 (nginx:1.28) to revision 1 (nginx:1.27)',
    });
    expect(image()).toBe('nginx:1.27');
    const history = await kubectl(sandbox, home, '-n', 'demo', 'rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  });
});
