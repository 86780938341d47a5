import { describe, expect, it } from 'vitest';
import type { Alert } from '#domain/alert/schema.js';
import { decide } from '#domain/decide.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '#domain/guardrails/scope.js';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';

const policy = (overrides: Partial<PolicyInput> = {}): Policy =>
  policySchema.parse({
    name: 'restart-crashlooping-pod',
    match: { alertname: 'KubePodCrashLooping', matchers: ['severity=~"warning|critical"'] },
    priority: 100,
    target: {
      cluster: { fromLabel: 'cluster', default: 'sandbox' },
      namespace: { fromLabel: 'namespace' },
      pod: { fromLabel: 'pod' },
    },
    action: { type: 'deletePod', gracePeriodSeconds: 10 },
    ...overrides,
  });

const alert = (labels: Record<string, string>): Alert => ({
  status: 'firing',
  labels: {
    alertname: 'KubePodCrashLooping',
    severity: 'critical',
    namespace: 'demo',
    pod: 'web-abc12',
    ...labels,
  },
  annotations: {},
  startsAt: '2026-11-25T10:00:00.000Z',
  generatorURL: '',
  fingerprint: 'abc123',
});

const enforce = { mode: 'enforce' as const, protectedNamespaces: DEFAULT_PROTECTED_NAMESPACES };

describe('decide', () => {
  it('plans a pod deletion with the policy grace period on the labelled pod', () => {
    const d = decide(alert({}), [policy()], enforce);
    expect(d).toMatchObject({
      kind: 'act',
      dryRun: false,
      plan: {
        action: 'deletePod',
        gracePeriodSeconds: 10,
        target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-abc12' },
      },
    });
  });

  it('uses the cluster label when present', () => {
    const d = decide(alert({ cluster: 'prod-eu' }), [policy()], enforce);
    expect(d.kind === 'act' && d.plan.target.cluster).toBe('prod-eu');
  });

  it('skips with no-policy when no policy matches', () => {
    const d = decide(alert({ severity: 'info' }), [policy()], enforce);
    expect(d).toMatchObject({ kind: 'skip', code: 'no-policy' });
    expect(d.kind === 'skip' && d.reason).toMatch(/checked: restart-crashlooping-pod/);
  });

  it('picks the highest priority and refuses a tie', () => {
    const low = policy({ name: 'low', priority: 1 });
    const high = policy({ name: 'high', priority: 5, action: { type: 'notifyOnly' } });
    expect(decide(alert({}), [low, high], enforce)).toMatchObject({ kind: 'act', policy: { name: 'high' } });
    const tie = policy({ name: 'tie', priority: 5 });
    expect(decide(alert({}), [low, high, tie], enforce)).toMatchObject({ kind: 'skip', code: 'no-policy' });
  });

  it.each([
    ['../etc', /not a DNS-1123 subdomain/],
    ['web%2Fx', /not a DNS-1123/],
    ['Web', /not a DNS-1123/],
    ['a b', /not a DNS-1123/],
    ['x'.repeat(300), /at most 253/],
  ])('refuses pod label %j before it can reach a URL', (pod, why) => {
    const d = decide(alert({ pod }), [policy()], enforce);
    expect(d).toMatchObject({ kind: 'skip', code: 'invalid-target' });
    expect(d.kind === 'skip' && d.reason).toMatch(why);
  });

  it('refuses when the target label is missing and has no default', () => {
    const a = alert({});
    delete a.labels.pod;
    const d = decide(a, [policy()], enforce);
    expect(d.kind === 'skip' && d.reason).toBe('target.pod: alert has no label "pod" and no default is set');
  });

  it('never acts in a protected namespace, whatever the policy says', () => {
    const d = decide(alert({ namespace: 'kube-system' }), [policy()], enforce);
    expect(d).toMatchObject({ kind: 'skip', code: 'namespace-protected' });
  });

  it('honours the policy deny and allow lists', () => {
    const denied = policy({ guard: { namespaces: { deny: ['demo'] } } });
    expect(decide(alert({}), [denied], enforce)).toMatchObject({ kind: 'skip', code: 'namespace-denied' });
    const allowed = policy({ guard: { namespaces: { allow: ['shop'] } } });
    expect(decide(alert({}), [allowed], enforce)).toMatchObject({
      kind: 'skip',
      code: 'namespace-not-allowed',
    });
    expect(decide(alert({ namespace: 'shop' }), [allowed], enforce)).toMatchObject({ kind: 'act' });
  });

  it('marks the decision dry-run when the global mode or the policy says so', () => {
    expect(decide(alert({}), [policy()], { ...enforce, mode: 'dry-run' })).toMatchObject({
      kind: 'act',
      dryRun: true,
      why: 'global mode is dry-run',
    });
    expect(decide(alert({}), [policy({ guard: { dryRun: true } })], enforce)).toMatchObject({ dryRun: true });
  });
});

describe('policySchema', () => {
  it('rejects unknown actions and unknown keys with the field path', () => {
    const bad = policySchema.safeParse({ ...policy(), action: { type: 'drainNode' } });
    expect(bad.success).toBe(false);
    const extra = policySchema.safeParse({
      name: 'x',
      match: { alertname: 'A' },
      target: { namespace: { fromLabel: 'namespace' } },
      action: { type: 'deletePod', grace: 3 },
    });
    expect(extra.success).toBe(false);
    expect(JSON.stringify(extra.error?.issues)).toContain('grace');
  });
});
