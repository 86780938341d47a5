import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '#adapters/kubernetes/cluster.js';
import { KubeHttp, MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from '#adapters/kubernetes/http.js';
import { KubernetesError } from '#domain/errors.js';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';

/** The real client against the sandbox over TLS, with faults the sandbox injects. */
describe('KubeHttp faults: bounded retries, then a clear failure', () => {
  let sandbox: Sandbox;
  let cluster: KubernetesCluster;
  let pod: string;
  const gets = () =>
    sandbox.requests.filter((r) => r.method === 'GET' && r.path.includes(`/pods/${pod}`)).length;

  beforeAll(async () => {
    sandbox = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'remedy-kube-')) });
    cluster = new KubernetesCluster(
      new KubeHttp({ server: sandbox.url, caData: sandbox.caData, token: () => sandbox.token }),
      'sandbox',
    );
    pod = String(sandbox.store.list('pods', 'demo')[0]?.metadata.name);
  });
  afterEach(() => sandbox.faults.clear());
  afterAll(async () => sandbox.close());

  it('retries a 503 and succeeds', async () => {
    sandbox.faults.add({ method: 'GET', pathPattern: /\/pods\//, status: 503, times: 2 });
    const before = gets();
    expect((await cluster.getPod('demo', pod))?.uid).toBeTruthy();
    expect(gets() - before).toBe(3);
  });

  it('honours Retry-After on a 429', async () => {
    sandbox.faults.add({ method: 'GET', pathPattern: /\/pods\//, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    expect(await cluster.getPod('demo', pod)).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('retries a reset connection', async () => {
    sandbox.faults.add({ method: 'GET', pathPattern: /\/pods\//, status: 'reset' });
    expect(await cluster.getPod('demo', pod)).toBeDefined();
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with a retryable error naming the status`, async () => {
    sandbox.faults.add({
      method: 'GET',
      pathPattern: /\/pods\//,
      status: 500,
      times: Number.POSITIVE_INFINITY,
    });
    const before = gets();
    const error = (await cluster.getPod('demo', pod).catch((e: unknown) => e)) as KubernetesError;
    expect(error).toBeInstanceOf(KubernetesError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^sandbox: GET \/api\/v1\/namespaces\/demo\/pods\/.+: HTTP 500/);
    expect(gets() - before).toBe(MAX_ATTEMPTS);
  });

  it('does not retry a 403 and says what to grant', async () => {
    sandbox.faults.add({
      method: 'GET',
      pathPattern: /\/pods\//,
      status: 403,
      times: Number.POSITIVE_INFINITY,
    });
    const before = gets();
    const error = (await cluster.getPod('demo', pod).catch((e: unknown) => e)) as KubernetesError;
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/RBAC denied it/);
    expect(gets() - before).toBe(1);
  });

  it('times out a silent server and retries', async () => {
    sandbox.faults.add({
      method: 'GET',
      pathPattern: /\/pods\//,
      status: 'pass',
      delayMs: REQUEST_TIMEOUT_MS + 500,
    });
    expect(await cluster.getPod('demo', pod)).toBeDefined();
  }, 30_000);

  it('fails retryable when nothing listens (connection refused)', async () => {
    const dead = new KubernetesCluster(
      new KubeHttp({ server: 'https://127.0.0.1:1', caData: sandbox.caData, token: () => 'x' }),
      'gone',
    );
    const error = (await dead.getPod('demo', pod).catch((e: unknown) => e)) as KubernetesError;
    expect(error).toBeInstanceOf(KubernetesError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses a server whose certificate the CA did not sign', async () => {
    const other = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'remedy-kube-other-')) });
    try {
      const wrongCa = new KubernetesCluster(
        new KubeHttp({ server: sandbox.url, caData: other.caData, token: () => sandbox.token }),
      );
      const error = (await wrongCa.getPod('demo', pod).catch((e: unknown) => e)) as KubernetesError;
      expect(error.message).toMatch(/self-signed|unable to verify|certificate/i);
    } finally {
      await other.close();
    }
  });
});
