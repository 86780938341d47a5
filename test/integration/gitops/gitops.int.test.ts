import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITOPS_SEED } from '../../../infra/local/sandbox/seed.js';
import type { RemedyHarness } from '../../support/remedy.js';
import { startRemedy } from '../../support/remedy.js';
import { fire, getObject, imageOf, requestsTo, setImage } from '../../support/workloads.js';
import { kubectl } from '../sandbox/helpers.js';

const NS = GITOPS_SEED.namespace;
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

const target = {
  cluster: { value: 'sandbox' },
  namespace: { fromLabel: 'namespace' },
  deployment: { fromLabel: 'deployment' },
};
const policy = (name: string, action: Record<string, unknown>) => ({
  name,
  match: { alertname: name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) },
  target,
  action,
});
const policies = [
  policy('gitops-rollback-default', { type: 'rollbackDeployment' }),
  policy('gitops-rollback-anyway', { type: 'rollbackDeployment', gitops: 'rollback' }),
  policy('gitops-rollback-suspend', { type: 'rollbackDeployment', gitops: 'suspendSync' }),
  policy('gitops-restart-suspend', { type: 'restartDeployment', gitops: 'suspendSync' }),
  {
    ...policy('gitops-sts-notify', { type: 'rollbackWorkload', kind: 'StatefulSet' }),
    target: {
      cluster: { value: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      statefulset: { fromLabel: 'statefulset' },
    },
  },
];

/** A Deployment with GitOps marks, at revision 2 (nginx:1.28), so there is something to roll back to. */
const releasedTwice = (h: RemedyHarness, name: string, labels: Record<string, string>, annotations = {}) => {
  h.sandbox.store.create('deployments', {
    metadata: { name, namespace: NS, labels: { app: name, ...labels }, annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
      },
    },
  });
  setImage(h, 'deployments', NS, name, 'nginx:1.28');
};
const tracking = (app: string, name: string) => ({
  'argocd.argoproj.io/tracking-id': `${app}:apps/Deployment:${NS}/${name}`,
});
const application = (h: RemedyHarness, name: string, automated: unknown) =>
  h.sandbox.store.create('applications', {
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/shop.git', path: name, targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: NS },
      syncPolicy: { automated },
    },
  });

describe('GitOps awareness: Argo CD and Flux marks on sandbox Deployments, through the real use case', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    h = await startRemedy(policies);
  });
  afterAll(async () => h?.close());

  it('by default only reports a Deployment Argo CD manages, naming the Application (notifyOnly)', async () => {
    const { deployment, application: app } = GITOPS_SEED.argo;
    setImage(h, 'deployments', NS, deployment, 'nginx:1.28');

    const { summary, record } = await fire(h, {
      alertname: 'gitopsRollbackDefault',
      namespace: NS,
      deployment,
    });

    expect(summary.outcomes).toEqual({ skipped: 1 });
    expect(record).toMatchObject({
      outcome: 'skipped',
      code: 'gitops-managed',
      details: {
        gitopsTool: 'argocd',
        gitopsKind: 'Application',
        gitopsObject: `${app.namespace}/${app.name}`,
        gitops: 'notifyOnly',
      },
    });
    expect(record?.reason).toContain(
      `deployment ${NS}/${deployment} in cluster sandbox is managed by Argo CD Application argocd/shop (annotation argocd.argoproj.io/tracking-id); not rolled back`,
    );
    expect(record?.reason).toContain('revert the change in Git that Argo CD Application argocd/shop applies');
    expect(imageOf(getObject(h, 'deployments', NS, deployment))).toBe('nginx:1.28');
    expect(requestsTo(h, 'PATCH', `/deployments/${deployment}`)).toEqual([]);
    expect(getObject(h, 'applications', app.namespace, app.name).spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
  });

  it('rolls back anyway when the policy says so, and says the Git change must be reverted (Flux Kustomization)', async () => {
    const { deployment, kustomization } = GITOPS_SEED.flux;
    setImage(h, 'deployments', NS, deployment, 'nginx:1.28');

    const { record } = await fire(h, { alertname: 'gitopsRollbackAnyway', namespace: NS, deployment });

    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'rollbackDeployment',
      details: {
        gitopsTool: 'flux',
        gitopsKind: 'Kustomization',
        gitopsObject: 'flux-system/apps',
        gitops: 'rollback',
      },
    });
    expect(record?.reason).toContain(
      'is managed by Flux Kustomization flux-system/apps: its next sync undoes this unless you revert the change in Git',
    );
    expect(imageOf(getObject(h, 'deployments', NS, deployment))).toBe('nginx:1.27');
    expect(
      getObject(h, 'kustomizations', kustomization.namespace, kustomization.name).spec.suspend,
    ).toBeUndefined();
  });

  it('turns Argo CD auto-sync off first (keeping the old policy in an annotation), then rolls back', async () => {
    application(h, 'checkout', { prune: true, selfHeal: true });
    releasedTwice(
      h,
      'checkout',
      { 'app.kubernetes.io/instance': 'checkout' },
      tracking('checkout', 'checkout'),
    );

    const { record } = await fire(h, {
      alertname: 'gitopsRollbackSuspend',
      namespace: NS,
      deployment: 'checkout',
    });

    const app = getObject(h, 'applications', 'argocd', 'checkout');
    expect(app.spec.syncPolicy).toEqual({});
    expect(JSON.parse(app.metadata.annotations?.['remedy.io/previous-sync-policy-automated'] ?? '')).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(app.metadata.annotations?.['remedy.io/suspended-by']).toMatch(
      /^remedy policy gitops-rollback-suspend at .+, before it would roll back deployment gitops\/checkout in cluster sandbox$/,
    );
    expect(imageOf(getObject(h, 'deployments', NS, 'checkout'))).toBe('nginx:1.27');
    // The Application was patched before the Deployment.
    const order = h.sandbox.requests
      .filter((r) => r.method === 'PATCH' && /applications\/checkout|deployments\/checkout/.test(r.path))
      .map((r) => r.path.split('/').at(-2));
    expect(order).toEqual(['applications', 'deployments']);
    expect(record).toMatchObject({
      outcome: 'acted',
      details: { gitops: 'suspendSync', gitopsSuspended: true, gitopsObject: 'argocd/checkout' },
    });
    expect(record?.reason).toContain('auto-sync of Argo CD Application argocd/checkout turned off first');
    expect(record?.reason).toContain('then turn auto-sync back on');
  });

  it('suspends a Flux HelmRelease before restarting the Deployment it manages', async () => {
    const { deployment, helmRelease } = GITOPS_SEED.helm;

    const { record } = await fire(h, { alertname: 'gitopsRestartSuspend', namespace: NS, deployment });

    const hr = getObject(h, 'helmreleases', helmRelease.namespace, helmRelease.name);
    expect(hr.spec.suspend).toBe(true);
    expect(
      getObject(h, 'deployments', NS, deployment).spec.template.metadata.annotations?.[RESTARTED_AT],
    ).toBeDefined();
    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'restartDeployment',
      details: { gitopsKind: 'HelmRelease' },
    });
    expect(record?.reason).toContain(
      `Flux HelmRelease ${NS}/shop-helm suspended first (spec.suspend: true); revert the change in Git that Flux HelmRelease ${NS}/shop-helm applies, then \`flux resume helmrelease shop-helm -n ${NS}\``,
    );
  });

  it('does not mistake a Helm release label for Argo CD when no such Application exists', async () => {
    releasedTwice(h, 'helm-only', { 'app.kubernetes.io/instance': 'helm-only' });

    const { record } = await fire(h, {
      alertname: 'gitopsRollbackDefault',
      namespace: NS,
      deployment: 'helm-only',
    });

    expect(record).toMatchObject({ outcome: 'acted', code: 'rollbackDeployment' });
    expect(record?.details).not.toHaveProperty('gitopsTool');
    expect(
      requestsTo(h, 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/helm-only'),
    ).toHaveLength(1);
    expect(imageOf(getObject(h, 'deployments', NS, 'helm-only'))).toBe('nginx:1.27');
  });

  it('reports a StatefulSet a Flux Kustomization manages instead of rolling it back (rollbackWorkload)', async () => {
    h.sandbox.store.create('statefulsets', {
      metadata: {
        name: 'cache',
        namespace: NS,
        labels: {
          app: 'cache',
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      },
      spec: {
        replicas: 1,
        serviceName: 'cache',
        selector: { matchLabels: { app: 'cache' } },
        template: {
          metadata: { labels: { app: 'cache' } },
          spec: { containers: [{ name: 'c', image: 'redis:7.2' }] },
        },
      },
    });
    setImage(h, 'statefulsets', NS, 'cache', 'redis:7.4');

    const { record } = await fire(h, { alertname: 'gitopsStsNotify', namespace: NS, statefulset: 'cache' });

    expect(record).toMatchObject({
      outcome: 'skipped',
      code: 'gitops-managed',
      details: { gitopsKind: 'Kustomization', gitopsObject: 'flux-system/apps' },
    });
    expect(imageOf(getObject(h, 'statefulsets', NS, 'cache'))).toBe('redis:7.4');
  });

  it('serves the GitOps kinds to the real kubectl: get, and the merge patch that resumes auto-sync', async () => {
    const home = mkdtempSync(join(tmpdir(), 'remedy-kubectl-'));
    const names = await kubectl(
      h.sandbox,
      home,
      'get',
      'applications,kustomizations,helmreleases',
      '-A',
      '-o',
      'name',
    );
    expect(names.split('\n')).toEqual(
      expect.arrayContaining([
        'application.argoproj.io/shop',
        'kustomization.kustomize.toolkit.fluxcd.io/apps',
        'helmrelease.helm.toolkit.fluxcd.io/shop-helm',
      ]),
    );
    application(h, 'resume-me', null);
    await kubectl(
      h.sandbox,
      home,
      'patch',
      'application',
      'resume-me',
      '-n',
      'argocd',
      '--type',
      'merge',
      '-p',
      '{"spec":{"syncPolicy":{"automated":{"prune":true,"selfHeal":true}}}}',
    );
    expect(getObject(h, 'applications', 'argocd', 'resume-me').spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
  });

  it('says when the Application was not syncing automatically anyway, and acts', async () => {
    application(h, 'manual', null);
    releasedTwice(h, 'manual', {}, tracking('manual', 'manual'));

    const { record } = await fire(h, {
      alertname: 'gitopsRollbackSuspend',
      namespace: NS,
      deployment: 'manual',
    });

    expect(record).toMatchObject({ outcome: 'acted', details: { gitopsSuspended: false } });
    expect(record?.reason).toContain(
      'Argo CD Application argocd/manual was not syncing automatically already',
    );
    expect(requestsTo(h, 'PATCH', 'applications/manual')).toEqual([]);
  });
});
