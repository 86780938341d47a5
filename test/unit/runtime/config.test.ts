import { describe, expect, it } from 'vitest';
import { loadConfig } from '#runtime/config.js';

describe('loadConfig', () => {
  it('fails closed naming the missing table variables', () => {
    expect(() => loadConfig({})).toThrow(/POLICY_TABLE is required.*STATE_TABLE is required/);
  });

  it('defaults to dry-run and the protected system namespaces', () => {
    const config = loadConfig({ POLICY_TABLE: 'p', STATE_TABLE: 's' });
    expect(config.mode).toBe('dry-run');
    expect(config.protectedNamespaces).toEqual(['kube-system', 'kube-public', 'kube-node-lease']);
  });

  it('rejects an unknown mode', () => {
    expect(() => loadConfig({ POLICY_TABLE: 'p', STATE_TABLE: 's', REMEDY_MODE: 'yolo' })).toThrow(
      /REMEDY_MODE/,
    );
  });

  it('requires all parts of a static cluster connection', () => {
    expect(() =>
      loadConfig({ POLICY_TABLE: 'p', STATE_TABLE: 's', KUBE_API_URL: 'https://127.0.0.1:6443' }),
    ).toThrow(/KUBE_CLUSTER_NAME, KUBE_API_URL, KUBE_CA_DATA and KUBE_TOKEN/);
  });
});
