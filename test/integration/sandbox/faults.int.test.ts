import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import { call, kubectlFails } from './helpers.js';

let sandbox: Sandbox;
let dir: string;

const PODS = '/api/v1/namespaces/demo/pods';
const podName = () => sandbox.store.list('pods', 'demo')[0]?.metadata.name as string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remedy-sandbox-faults-'));
  sandbox = await startSandbox({ dir });
});

afterEach(() => sandbox.faults.clear());

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sandbox.faults', () => {
  it('answers the next matching request with a 503 Status, then serves normally', async () => {
    // Prepare
    const fault = sandbox.faults.add({ pathPattern: /^\/api\/v1\/namespaces\/demo\/pods\b/, status: 503 });

    // Act
    const first = await call(sandbox, 'GET', PODS);
    const second = await call(sandbox, 'GET', PODS);

    // Assess
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'ServiceUnavailable',
      code: 503,
    });
    expect(second.status).toBe(200);
    expect([fault.hits, fault.remaining, sandbox.faults.active]).toEqual([1, 0, []]);
    const logged = sandbox.requests.filter((r) => r.path === PODS).slice(-2);
    expect(logged.map((r) => r.fault)).toEqual([503, undefined]);
  });

  it('matches the method, counts `times` and sends Retry-After for a 429', async () => {
    // Prepare
    const name = podName();
    const path = `${PODS}/${name}/eviction`;
    sandbox.faults.add({
      method: 'post',
      pathPattern: /\/eviction$/,
      status: 429,
      times: 2,
      retryAfterSeconds: 3,
    });
    const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'demo' } };

    // Act
    const get = await call(sandbox, 'GET', `${PODS}/${name}`);
    const refused = [
      await call(sandbox, 'POST', path, { body }),
      await call(sandbox, 'POST', path, { body }),
    ];
    const third = await call(sandbox, 'POST', path, { body });

    // Assess
    expect(get.status).toBe(200);
    for (const res of refused) {
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    }
    expect(third.status).toBe(201);
  });

  it('sends a custom body, and stops when removed', async () => {
    // Prepare
    const fault = sandbox.faults.add({
      pathPattern: /^\/version$/,
      status: 500,
      times: Number.POSITIVE_INFINITY,
      body: 'upstream connect error',
    });

    // Act
    const injected = await call(sandbox, 'GET', '/version');
    fault.remove();
    const normal = await call(sandbox, 'GET', '/version');

    // Assess
    expect([injected.status, injected.body]).toEqual([500, { text: 'upstream connect error' }]);
    expect(normal.status).toBe(200);
    expect(normal.body).toMatchObject({ major: '1' });
  });

  it("destroys the connection for status 'reset'", async () => {
    // Prepare
    sandbox.faults.add({ pathPattern: /^\/version$/, status: 'reset' });

    // Act / Assess
    await expect(call(sandbox, 'GET', '/version')).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('delays past the client timeout; with `pass` the server still does the work after the client gave up', async () => {
    // Prepare
    const victim = podName();
    sandbox.faults.add({ pathPattern: /^\/version$/, status: 504, delayMs: 1_000 });
    sandbox.faults.add({
      method: 'DELETE',
      pathPattern: new RegExp(`/pods/${victim}$`),
      status: 'pass',
      delayMs: 400,
    });

    // Act
    const slow = call(sandbox, 'GET', '/version', { timeoutMs: 100 });
    const timedOut = call(sandbox, 'DELETE', `${PODS}/${victim}`, { timeoutMs: 100 });

    // Assess
    await expect(slow).rejects.toThrow('client timeout after 100 ms');
    await expect(timedOut).rejects.toThrow('client timeout after 100 ms');
    expect(sandbox.store.get('pods', 'demo', victim)).toBeDefined();
    await new Promise((r) => setTimeout(r, 700));
    expect(sandbox.store.get('pods', 'demo', victim)).toBeUndefined();
  });

  it('is what the real kubectl sees too', async () => {
    // Prepare
    sandbox.faults.add({ method: 'GET', pathPattern: /\/namespaces\/demo\/pods/, status: 500, times: 10 });

    // Act
    const err = await kubectlFails(sandbox, dir, 'get', 'pods', '-n', 'demo');

    // Assess
    expect(err).toContain('Error from server (InternalError)');
  });

  it('does not hold up close() with a pending delay', async () => {
    // Prepare
    const other = await startSandbox({ dir: join(dir, 'other'), seed: false });
    other.faults.add({ pathPattern: /^\/version$/, status: 'pass', delayMs: 60_000 });
    const pending = call(other, 'GET', '/version').catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));

    // Act
    const started = Date.now();
    await other.close();

    // Assess
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
