import { describe, expect, it } from 'vitest';
import {
  ANNOTATIONS_KEPT_FROM_DEPLOYMENT,
  rollbackAnnotations,
} from '#domain/actions/rollback/annotations.js';

describe('rollbackAnnotations', () => {
  it('keeps the Deployment values of the skip list and copies every other ReplicaSet annotation', () => {
    const deployment = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"dep":true}',
      'deployment.kubernetes.io/revision': '5',
      'deployment.kubernetes.io/revision-history': '1,3',
      'deprecated.deployment.rollback.to': '2',
      'team.example.com/owner': 'payments',
    };
    const rs = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"rs":true}',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
      'kubernetes.io/change-cause': 'deploy v2',
    };
    expect(rollbackAnnotations(deployment, rs)).toEqual({
      'deprecated.deployment.rollback.to': '2',
      'deployment.kubernetes.io/revision': '5',
      'deployment.kubernetes.io/revision-history': '1,3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"dep":true}',
      'kubernetes.io/change-cause': 'deploy v2',
    });
  });

  it('drops a Deployment annotation the ReplicaSet lacks (the whole map is replaced)', () => {
    expect(rollbackAnnotations({ 'team.example.com/owner': 'payments' }, {})).toEqual({});
  });

  it('writes keys in sorted order, as Go marshals a map', () => {
    const result = rollbackAnnotations({ 'deployment.kubernetes.io/revision': '3' }, { z: '1', a: '2' });
    expect(Object.keys(result)).toEqual(['a', 'deployment.kubernetes.io/revision', 'z']);
  });

  it('handles missing maps on either side', () => {
    expect(rollbackAnnotations(undefined, undefined)).toEqual({});
    expect(rollbackAnnotations(undefined, { a: '1' })).toEqual({ a: '1' });
  });

  it('keeps a "__proto__" key as plain data', () => {
    const rs = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const result = rollbackAnnotations({}, rs);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.entries(result)).toEqual([['__proto__', 'x']]);
  });

  it('skips exactly the six keys kubectl skips', () => {
    expect([...ANNOTATIONS_KEPT_FROM_DEPLOYMENT].sort()).toEqual([
      'deployment.kubernetes.io/desired-replicas',
      'deployment.kubernetes.io/max-replicas',
      'deployment.kubernetes.io/revision',
      'deployment.kubernetes.io/revision-history',
      'deprecated.deployment.rollback.to',
      'kubectl.kubernetes.io/last-applied-configuration',
    ]);
  });
});
