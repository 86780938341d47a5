import { describe, expect, it } from 'vitest';
import {
  type DeploymentRollbackInput,
  PAUSED_REFUSAL,
  planDeploymentRollback,
} from '#domain/actions/rollback/plan-rollback.js';
import { deployment, replicaSet } from './fixtures.js';

const NOW = new Date('2026-01-02T12:00:00Z');
const r2 = replicaSet('r2', { revision: '2', image: 'shop/web:v2', created: '2026-01-01T09:00:00Z' });
const r3 = replicaSet('r3', {
  revision: '3',
  image: 'shop/web:v3',
  created: '2026-01-02T09:50:00Z',
  annotations: { 'kubernetes.io/change-cause': 'release v3' },
});

const input = (overrides: Partial<DeploymentRollbackInput> = {}): DeploymentRollbackInput => ({
  deployment: deployment(),
  replicaSets: [r2, r3],
  toRevision: 0,
  now: NOW,
  ...overrides,
});

describe('planDeploymentRollback', () => {
  it('patches back to the previous revision and names both releases', () => {
    const plan = planDeploymentRollback(input());
    expect(plan).toEqual({
      kind: 'patch',
      fromRevision: 3,
      toRevision: 2,
      fromImages: ['shop/web:v3'],
      toImages: ['shop/web:v2'],
      patch: [
        {
          op: 'replace',
          path: '/spec/template',
          value: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'app', image: 'shop/web:v2' }] },
          },
        },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3' } },
      ],
    });
  });

  it('refuses a paused Deployment', () => {
    expect(planDeploymentRollback(input({ deployment: deployment({ paused: true }) }))).toEqual({
      kind: 'refuse',
      reason: PAUSED_REFUSAL,
    });
    expect(PAUSED_REFUSAL).toBe(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );
  });

  it('refuses without history, before looking at paused', () => {
    const plan = planDeploymentRollback(
      input({ replicaSets: [r3], deployment: deployment({ paused: true }) }),
    );
    expect(plan).toEqual({ kind: 'refuse', reason: 'no rollout history found for deployment "web"' });
  });

  it('skips, naming the resolved revision, when the template already matches it', () => {
    const plan = planDeploymentRollback(input({ deployment: deployment({ image: 'shop/web:v2' }) }));
    expect(plan).toEqual({
      kind: 'skip',
      reason: 'skipped rollback (current template already matches revision 2)',
    });
  });

  it('checks paused before already-at-target, as kubectl', () => {
    const plan = planDeploymentRollback(
      input({ deployment: deployment({ image: 'shop/web:v2', paused: true }) }),
    );
    expect(plan.kind).toBe('refuse');
  });

  describe('freshness guard', () => {
    it.each([
      ['2h10m old with a 30m limit', '2026-01-02T09:50:00Z', 1_800, 'notify'],
      ['just under the limit', '2026-01-02T11:30:01Z', 1_800, 'patch'],
      ['exactly at the limit', '2026-01-02T11:30:00Z', 1_800, 'notify'],
      ['created after now (clock skew)', '2026-01-02T12:00:05Z', 1_800, 'patch'],
    ])('%s → %s', (_case, created, limit, kind) => {
      const current = replicaSet('r3', { revision: '3', image: 'shop/web:v3', created });
      const plan = planDeploymentRollback(
        input({ replicaSets: [r2, current], onlyIfRevisionYoungerThanSeconds: limit }),
      );
      expect(plan.kind).toBe(kind);
    });

    it('explains a stale release in one line', () => {
      expect(planDeploymentRollback(input({ onlyIfRevisionYoungerThanSeconds: 1_800 }))).toEqual({
        kind: 'notify',
        reason: 'current revision 3 is 2h10m old (limit 30m): not a fresh release, notifying only',
      });
    });

    it('measures the newest revision even when rolling back further', () => {
      const plan = planDeploymentRollback(
        input({ toRevision: 2, onlyIfRevisionYoungerThanSeconds: 3 * 3_600 }),
      );
      expect(plan).toMatchObject({ kind: 'patch', fromRevision: 3, toRevision: 2 });
    });

    it('notifies when the current ReplicaSet has no readable creation time', () => {
      const current = { ...r3, metadata: { ...r3.metadata, creationTimestamp: 'yesterday-ish' } };
      const plan = planDeploymentRollback(
        input({ replicaSets: [r2, current], onlyIfRevisionYoungerThanSeconds: 60 }),
      );
      expect(plan).toEqual({
        kind: 'notify',
        reason:
          'current revision 3 has no readable creation time, so it may not be a fresh release: notifying only',
      });
    });

    it('notifies rather than refusing when a stale Deployment is also paused', () => {
      const plan = planDeploymentRollback(
        input({ deployment: deployment({ paused: true }), onlyIfRevisionYoungerThanSeconds: 1_800 }),
      );
      expect(plan.kind).toBe('notify');
    });

    it('is off when no limit is given', () => {
      expect(planDeploymentRollback(input({ onlyIfRevisionYoungerThanSeconds: undefined })).kind).toBe(
        'patch',
      );
    });
  });
});
