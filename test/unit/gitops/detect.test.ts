import { describe, expect, it } from 'vitest';
import { actionSchema } from '#domain/actions/catalog.js';
import { detectGitOps, suspendPatch, syncsAutomatically } from '#domain/gitops/detect.js';

const deployment = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api' };

describe('detectGitOps', () => {
  it('finds the Argo CD Application from its tracking annotation, when it names this object', () => {
    const owner = detectGitOps({
      ...deployment,
      annotations: { 'argocd.argoproj.io/tracking-id': 'shop-prod:apps/Deployment:shop/api' },
    });
    expect(owner).toMatchObject({
      tool: 'argocd',
      kind: 'Application',
      group: 'argoproj.io',
      version: 'v1alpha1',
      resource: 'applications',
      namespace: 'argocd',
      name: 'shop-prod',
      certain: true,
      evidence: 'annotation argocd.argoproj.io/tracking-id',
    });
  });

  it('reads an application in another namespace (apps in any namespace: `namespace_name`)', () => {
    const owner = detectGitOps({
      ...deployment,
      annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_shop:apps/Deployment:shop/api' },
    });
    expect(owner).toMatchObject({ namespace: 'team-a', name: 'shop' });
  });

  it('ignores a tracking id copied from another object, as Argo CD does', () => {
    expect(
      detectGitOps({
        ...deployment,
        annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/other' },
      }),
    ).toBeUndefined();
  });

  it('treats the instance label alone as uncertain (Helm sets it too)', () => {
    expect(detectGitOps({ ...deployment, labels: { 'app.kubernetes.io/instance': 'shop' } })).toMatchObject({
      tool: 'argocd',
      name: 'shop',
      namespace: 'argocd',
      certain: false,
    });
  });

  it('finds Flux Kustomizations and HelmReleases by their labels, the HelmRelease first', () => {
    const ks = {
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    };
    const hr = { 'helm.toolkit.fluxcd.io/name': 'api', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
    expect(detectGitOps({ ...deployment, labels: ks })).toMatchObject({
      tool: 'flux',
      kind: 'Kustomization',
      group: 'kustomize.toolkit.fluxcd.io',
      version: 'v1',
      namespace: 'flux-system',
      name: 'apps',
      certain: true,
    });
    expect(detectGitOps({ ...deployment, labels: { ...ks, ...hr } })).toMatchObject({
      kind: 'HelmRelease',
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2',
      namespace: 'shop',
      name: 'api',
    });
  });

  it.each([
    [{ 'kustomize.toolkit.fluxcd.io/name': '../x', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }],
    [{ 'kustomize.toolkit.fluxcd.io/name': 'apps' }],
    [{ 'app.kubernetes.io/instance': 'Shop%2F' }],
  ])('never lets a malformed mark reach an API path: %j', (labels) => {
    expect(detectGitOps({ ...deployment, labels })).toBeUndefined();
  });

  it('finds nothing on an unmarked workload', () => {
    expect(detectGitOps({ ...deployment, labels: { app: 'api' } })).toBeUndefined();
  });
});

describe('suspending sync', () => {
  it('removes Argo CD auto-sync and keeps the old value; suspends Flux', () => {
    expect(suspendPatch({ tool: 'argocd' }, 'why', { prune: true, selfHeal: true })).toEqual({
      metadata: {
        annotations: {
          'remedy.io/previous-sync-policy-automated': '{"prune":true,"selfHeal":true}',
          'remedy.io/suspended-by': 'why',
        },
      },
      spec: { syncPolicy: { automated: null } },
    });
    expect(suspendPatch({ tool: 'flux' }, 'why', undefined)).toEqual({
      metadata: { annotations: { 'remedy.io/suspended-by': 'why' } },
      spec: { suspend: true },
    });
  });

  it('knows when there is nothing to suspend', () => {
    expect(syncsAutomatically({ tool: 'argocd' }, { syncPolicy: { automated: {} } })).toBe(true);
    expect(syncsAutomatically({ tool: 'argocd' }, { syncPolicy: { automated: { enabled: false } } })).toBe(
      false,
    );
    expect(syncsAutomatically({ tool: 'argocd' }, { syncPolicy: {} })).toBe(false);
    expect(syncsAutomatically({ tool: 'flux' }, { suspend: true })).toBe(false);
    expect(syncsAutomatically({ tool: 'flux' }, {})).toBe(true);
  });

  it('is a policy choice on the three workload actions, unset by default', () => {
    expect(actionSchema.parse({ type: 'rollbackDeployment', gitops: 'suspendSync' })).toMatchObject({
      gitops: 'suspendSync',
    });
    expect(actionSchema.parse({ type: 'restartDeployment', gitops: 'rollback' })).toMatchObject({
      gitops: 'rollback',
    });
    expect(
      actionSchema.parse({ type: 'rollbackWorkload', kind: 'StatefulSet', gitops: 'notifyOnly' }),
    ).toMatchObject({
      gitops: 'notifyOnly',
    });
    expect(actionSchema.parse({ type: 'rollbackDeployment' })).not.toHaveProperty('gitops');
    expect(actionSchema.safeParse({ type: 'rollbackDeployment', gitops: 'ignore' }).success).toBe(false);
    expect(actionSchema.safeParse({ type: 'deletePod', gitops: 'rollback' }).success).toBe(false);
  });
});
