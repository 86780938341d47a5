import { describe, expect, it } from 'vitest';
import { resolveTarget, type TargetSpec, targetSpecSchema } from '#domain/target/target.js';

const spec = (fields: Record<string, unknown>): TargetSpec =>
  targetSpecSchema.parse({ cluster: { value: 'sandbox' }, namespace: { fromLabel: 'namespace' }, ...fields });
const labels = {
  namespace: 'demo',
  deployment: 'web',
  pod: 'web-abc',
  statefulset: 'db',
  daemonset: 'agent',
};

describe('resolveTarget', () => {
  it('prefers the first kind the policy names: the deployment over the pod', () => {
    const both = spec({ deployment: { fromLabel: 'deployment' }, pod: { fromLabel: 'pod' } });
    expect(resolveTarget(both, ['Deployment', 'Pod'], labels)).toEqual({
      ok: true,
      target: { cluster: 'sandbox', namespace: 'demo', kind: 'Deployment', name: 'web' },
    });
  });

  it('falls back to the pod when the policy names no deployment', () => {
    const podOnly = spec({ pod: { fromLabel: 'pod' } });
    expect(resolveTarget(podOnly, ['Deployment', 'Pod'], labels)).toMatchObject({
      ok: true,
      target: { kind: 'Pod', name: 'web-abc' },
    });
  });

  it.each([
    ['StatefulSet', { statefulset: { fromLabel: 'statefulset' } }, 'db'],
    ['DaemonSet', { daemonset: { fromLabel: 'daemonset' } }, 'agent'],
  ] as const)('resolves a %s from its own field', (kind, fields, name) => {
    expect(resolveTarget(spec(fields), [kind, 'Pod'], labels)).toMatchObject({
      ok: true,
      target: { kind, name, namespace: 'demo' },
    });
  });

  it('says which fields it looked for when the policy names none of them', () => {
    const podOnly = spec({ pod: { fromLabel: 'pod' } });
    expect(resolveTarget(podOnly, ['StatefulSet'], labels)).toEqual({
      ok: false,
      reason: 'policy target has no statefulset field for a StatefulSet action',
    });
    expect(resolveTarget(spec({}), ['Deployment', 'Pod'], labels)).toEqual({
      ok: false,
      reason: 'policy target has no deployment or pod field for a Deployment action',
    });
  });

  it.each(['../x', 'DB', 'db%2F', 'x'.repeat(254)])('validates a statefulset name %j as DNS-1123', (bad) => {
    const result = resolveTarget(spec({ statefulset: { fromLabel: 'statefulset' } }), ['StatefulSet'], {
      ...labels,
      statefulset: bad,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^target\.statefulset: /);
  });

  it('refuses unknown target fields', () => {
    expect(
      targetSpecSchema.safeParse({ namespace: { value: 'demo' }, replicaset: { value: 'x' } }).success,
    ).toBe(false);
  });
});
