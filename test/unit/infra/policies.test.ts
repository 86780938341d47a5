import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validatePolicies } from '#app/apply-policies.js';
import { readPolicyFiles } from '../../../infra/local/policies.js';

const POLICY_DIR = fileURLToPath(new URL('../../../infra/policies', import.meta.url));

describe('infra/policies examples', () => {
  it('are all valid as one set (schema, unique names, no priority ties)', () => {
    const sources = readPolicyFiles(POLICY_DIR);
    const result = validatePolicies(sources);
    expect(result).toMatchObject({ ok: true });
    expect(sources.length).toBeGreaterThanOrEqual(2);
  });

  it('include restart-crashlooping-pod for KubePodCrashLooping with deletePod', () => {
    const result = validatePolicies(readPolicyFiles(POLICY_DIR));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const p = result.policies.find((x) => x.policy.name === 'restart-crashlooping-pod')?.policy;
    expect(p?.match.alertname).toBe('KubePodCrashLooping');
    expect(p?.action.type).toBe('deletePod');
    expect(p?.target.pod).toEqual({ fromLabel: 'pod' });
    expect(p?.target.namespace).toEqual({ fromLabel: 'namespace' });
  });

  it.each([
    ['rollback-bad-release', 'HTTPErrorRateHigh', 'rollbackDeployment', 'deployment'],
    ['restart-stuck-deployment', 'KubeDeploymentReplicasMismatch', 'restartDeployment', 'deployment'],
    ['evict-memory-hog', 'ContainerMemoryNearLimit', 'evictPod', 'pod'],
  ] as const)('include %s for %s with %s on the labelled %s', (name, alertname, type, field) => {
    const result = validatePolicies(readPolicyFiles(POLICY_DIR));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const p = result.policies.find((x) => x.policy.name === name)?.policy;
    expect(p?.match.alertname).toBe(alertname);
    expect(p?.action.type).toBe(type);
    expect(p?.target[field]).toEqual({ fromLabel: field });
    expect(p?.target.cluster).toEqual({ fromLabel: 'cluster', default: 'sandbox' });
  });

  it('rolls back only a release younger than 30 minutes', () => {
    const result = validatePolicies(readPolicyFiles(POLICY_DIR));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const p = result.policies.find((x) => x.policy.name === 'rollback-bad-release')?.policy;
    expect(p?.action).toEqual({ type: 'rollbackDeployment', toRevision: 0, onlyIfRevisionYoungerThan: 1800 });
  });

  it('reports a priority tie across files', () => {
    const doc = {
      name: 'a',
      match: { alertname: 'X' },
      priority: 1,
      target: { namespace: { value: 'demo' }, pod: { fromLabel: 'pod' } },
      action: { type: 'deletePod' },
    };
    const result = validatePolicies([
      { origin: 'a.yaml', document: doc },
      { origin: 'b.yaml', document: { ...doc, name: 'b' } },
    ]);
    expect(result).toEqual({
      ok: false,
      problems: ['policies "a" and "b" both handle X with priority 1: give one a higher priority'],
    });
  });
});
