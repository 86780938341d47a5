import { describe, expect, it } from 'vitest';
import { actionSchema, planAction, targetKindOf } from '#domain/actions/catalog.js';
import { describePlan } from '#domain/actions/plan.js';
import type { Target } from '#domain/target/target.js';

const deployment: Target = { cluster: 'sandbox', namespace: 'demo', kind: 'Deployment', name: 'web' };
const pod: Target = { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-abc' };
const db: Target = { cluster: 'sandbox', namespace: 'data', kind: 'StatefulSet', name: 'db' };

describe('action params', () => {
  it('fills the defaults of every new action', () => {
    expect(actionSchema.parse({ type: 'deletePod' })).toEqual({
      type: 'deletePod',
      gracePeriodSeconds: 30,
      respectPodDisruptionBudget: false,
    });
    expect(actionSchema.parse({ type: 'evictPod' })).toEqual({ type: 'evictPod' });
    expect(actionSchema.parse({ type: 'rollbackDeployment' })).toEqual({
      type: 'rollbackDeployment',
      toRevision: 0,
    });
    expect(actionSchema.parse({ type: 'restartDeployment' })).toEqual({ type: 'restartDeployment' });
    expect(actionSchema.parse({ type: 'rollbackWorkload', kind: 'DaemonSet' })).toEqual({
      type: 'rollbackWorkload',
      kind: 'DaemonSet',
      toRevision: 0,
    });
  });

  it('reads onlyIfRevisionYoungerThan as seconds', () => {
    const action = actionSchema.parse({ type: 'rollbackDeployment', onlyIfRevisionYoungerThan: '1h30m' });
    expect(action).toEqual({ type: 'rollbackDeployment', toRevision: 0, onlyIfRevisionYoungerThan: 5400 });
  });

  it.each([
    [{ type: 'rollbackDeployment', toRevision: -1 }, 'toRevision'],
    [{ type: 'rollbackDeployment', toRevision: 1.5 }, 'toRevision'],
    [{ type: 'rollbackDeployment', onlyIfRevisionYoungerThan: '30' }, 'onlyIfRevisionYoungerThan'],
    [{ type: 'rollbackDeployment', onlyIfRevisionYoungerThan: '0' }, 'onlyIfRevisionYoungerThan'],
    [{ type: 'evictPod', gracePeriodSeconds: 301 }, 'gracePeriodSeconds'],
    [{ type: 'evictPod', force: true }, ''],
    [{ type: 'restartDeployment', toRevision: 1 }, ''],
    [{ type: 'deletePod', respectPodDisruptionBudget: 'yes' }, 'respectPodDisruptionBudget'],
    [{ type: 'rollbackWorkload' }, 'kind'],
    [{ type: 'rollbackWorkload', kind: 'Deployment' }, 'kind'],
  ])('refuses %j at %j', (input, path) => {
    const result = actionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });
});

describe('targetKindOf', () => {
  it.each([
    [{ type: 'deletePod' }, ['Pod']],
    [{ type: 'evictPod' }, ['Pod']],
    [{ type: 'rollbackDeployment' }, ['Deployment', 'Pod']],
    [{ type: 'restartDeployment' }, ['Deployment', 'Pod']],
    [{ type: 'rollbackWorkload', kind: 'StatefulSet' }, ['StatefulSet', 'Pod']],
    [{ type: 'notifyOnly', kind: 'Deployment' }, ['Deployment']],
  ])('%j starts from %j', (input, kinds) => {
    expect(targetKindOf(actionSchema.parse(input))).toEqual(kinds);
  });
});

describe('describePlan', () => {
  const describe_ = (input: unknown, target: Target) =>
    describePlan(planAction(actionSchema.parse(input), target));

  it.each<[unknown, Target, string]>([
    [{ type: 'deletePod' }, pod, 'delete pod demo/web-abc in cluster sandbox (grace period 30s)'],
    [
      { type: 'deletePod', respectPodDisruptionBudget: true },
      pod,
      'delete pod demo/web-abc in cluster sandbox (grace period 30s), unless a PodDisruptionBudget forbids it',
    ],
    [
      { type: 'evictPod' },
      pod,
      "evict pod demo/web-abc in cluster sandbox (the pod's grace period, honouring its PodDisruptionBudget)",
    ],
    [
      { type: 'evictPod', gracePeriodSeconds: 5 },
      pod,
      'evict pod demo/web-abc in cluster sandbox (grace period 5s, honouring its PodDisruptionBudget)',
    ],
    [
      { type: 'rollbackDeployment', onlyIfRevisionYoungerThan: '30m' },
      deployment,
      'roll back deployment demo/web in cluster sandbox to the previous revision if its current revision is younger than 30m',
    ],
    [
      { type: 'rollbackDeployment', toRevision: 3 },
      pod,
      'roll back the deployment running pod demo/web-abc in cluster sandbox to revision 3',
    ],
    [
      { type: 'restartDeployment' },
      deployment,
      'restart deployment demo/web in cluster sandbox (rollout restart)',
    ],
    [
      { type: 'rollbackWorkload', kind: 'StatefulSet' },
      db,
      'roll back statefulset data/db in cluster sandbox to the previous revision',
    ],
  ])('%j on %j', (input, target, line) => {
    expect(describe_(input, target)).toBe(line);
  });

  it('keeps optional plan fields absent rather than undefined (the plan is stored in DynamoDB)', () => {
    const plan = planAction(actionSchema.parse({ type: 'rollbackDeployment' }), deployment);
    expect(Object.keys(plan)).toEqual(['action', 'target', 'toRevision']);
    const evict = planAction(actionSchema.parse({ type: 'evictPod' }), pod);
    expect(Object.keys(evict)).toEqual(['action', 'target']);
  });
});
