import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import { call } from './helpers.js';

describe('sandbox options', () => {
  let custom: Sandbox;
  let customDir: string;

  beforeAll(async () => {
    customDir = await mkdtemp(join(tmpdir(), 'remedy-sandbox-opts-'));
    custom = await startSandbox({
      dir: join(customDir, 'nested'),
      token: 'fixed-token',
      seed: false,
      authenticate: async (token) => token.startsWith('k8s-aws-v1.'),
    });
  });

  afterAll(async () => {
    await custom?.close();
    await rm(customDir, { recursive: true, force: true });
  });

  it('accepts the fixed token or whatever `authenticate` accepts, and nothing else', async () => {
    // Act
    const fixed = await call(custom, 'GET', '/api/v1/namespaces');
    const eks = await call(custom, 'GET', '/api/v1/namespaces', { token: 'k8s-aws-v1.abc' });
    const other = await call(custom, 'GET', '/api/v1/namespaces', { token: 'k8s-aws-v2.abc' });

    // Assess
    expect([fixed.status, eks.status, other.status]).toEqual([200, 200, 401]);
    expect(custom.token).toBe('fixed-token');
  });

  it('starts empty without the seed and writes a kubeconfig with the token and CA data', async () => {
    // Act
    const namespaces = await call(custom, 'GET', '/api/v1/namespaces');
    const kubeconfig = await readFile(custom.kubeconfigPath, 'utf8');

    // Assess
    expect(namespaces.body.items).toEqual([]);
    expect(custom.kubeconfigPath).toBe(join(customDir, 'nested', 'kubeconfig'));
    expect(kubeconfig).toContain(`server: "${custom.url}"`);
    expect(kubeconfig).toContain(`certificate-authority-data: "${custom.caData}"`);
    expect(kubeconfig).toContain('token: "fixed-token"');
    expect(Buffer.from(custom.caData, 'base64').toString()).toBe(custom.caPem);
  });
});
