import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { type CallOptions, call, kubectl, tableRows, watchUntilDeleted } from './helpers.js';

let sandbox: Sandbox;
let dir: string;

const k = (...args: string[]) => kubectl(sandbox, dir, ...args);
const api = (method: string, path: string, opts?: CallOptions) => call(sandbox, method, path, opts);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remedy-sandbox-'));
  sandbox = await startSandbox({ dir, port: 0 });
});

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sandbox API with the real kubectl', () => {
  it('lists the 3 Running pods of demo/web', async () => {
    // Act
    const out = await k('get', 'pods', '-n', 'demo');

    // Assess
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const rows = tableRows(out);
    expect(rows).toHaveLength(3);
    for (const [name, ready, status] of rows) {
      expect(name).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5}$/);
      expect([ready, status]).toEqual(['1/1', 'Running']);
    }
  });

  it('shows deployment web as 3/3 ready, up to date and available', async () => {
    // Act
    const out = await k('get', 'deployments', '-n', 'demo');

    // Assess
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(tableRows(out).map((r) => r.slice(0, 4))).toEqual([['web', '3/3', '3', '3']]);
  });

  it('deletes a pod, and the ReplicaSet replaces it', async () => {
    // Prepare
    const before = tableRows(await k('get', 'pods', '-n', 'demo')).map((r) => r[0] as string);
    const victim = before[0] as string;

    // Act
    const out = await k('delete', 'pod', victim, '-n', 'demo');

    // Assess
    expect(out).toContain(`pod "${victim}" deleted`);
    const after = tableRows(await k('get', 'pods', '-n', 'demo')).map((r) => r[0] as string);
    expect(after).toHaveLength(3);
    expect(after).not.toContain(victim);
    expect(after.filter((n) => !before.includes(n))).toHaveLength(1);
  });

  it('applies a manifest with default (strict) validation and starts its pods', async () => {
    // Prepare
    const manifest = join(dir, 'cache.json');
    await writeFile(
      manifest,
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cache', namespace: 'demo' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'cache' } },
          template: {
            metadata: { labels: { app: 'cache' } },
            spec: { containers: [{ name: 'redis', image: 'redis:7' }] },
          },
        },
      }),
    );

    // Act
    const out = await k('apply', '-f', manifest);

    // Assess
    expect(out).toContain('deployment.apps/cache created');
    const rows = tableRows(await k('get', 'pods', '-n', 'demo', '-l', 'app=cache'));
    expect(rows.map((r) => r[2])).toEqual(['Running', 'Running']);
  });
});

describe('sandbox API over HTTPS with only its CA', () => {
  it('refuses a request without a bearer token with a 401 Status', async () => {
    // Act
    const res = await api('GET', '/api/v1/namespaces/demo/pods', { token: null });

    // Assess
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('refuses a wrong token too', async () => {
    // Act
    const res = await api('GET', '/api/v1/namespaces/demo/pods', { token: 'not-the-token' });

    // Assess
    expect(res.status).toBe(401);
  });

  it('fails TLS verification for a client that does not trust the sandbox CA', async () => {
    // Prepare
    const untrusted = new Promise<unknown>((resolve, reject) => {
      const req = request(new URL('/version', sandbox.url), { method: 'GET' }, resolve);
      req.on('error', reject);
      req.end();
    });

    // Act / Assess
    await expect(untrusted).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('answers a missing pod with a 404 NotFound Status', async () => {
    // Act
    const res = await api('GET', '/api/v1/namespaces/demo/pods/nope');

    // Assess
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "nope" not found',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
  });

  it('refuses a DELETE whose preconditions.uid does not match (409) and keeps the pod', async () => {
    // Prepare
    const pod = (await api('GET', '/api/v1/namespaces/demo/pods')).body.items?.[0] as K8sObject;
    const path = `/api/v1/namespaces/demo/pods/${pod.metadata.name}`;

    // Act
    const res = await api('DELETE', path, {
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        gracePeriodSeconds: 30,
        preconditions: { uid: 'wrong-uid' },
        propagationPolicy: 'Background',
      },
    });

    // Assess
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(res.body.message).toContain(
      `Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${pod.metadata.uid}`,
    );
    const still = await api('GET', path);
    expect(still.status).toBe(200);
    expect((still.body as K8sObject).metadata.uid).toBe(pod.metadata.uid);
  });

  it('streams a DELETED event to a watch on the pod', async () => {
    // Prepare
    const list = (await api('GET', '/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb')).body;
    const pod = list.items?.[0] as K8sObject;
    const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
    const query = `fieldSelector=metadata.name%3D${pod.metadata.name}&resourceVersion=${rv}&watch=true&timeoutSeconds=10`;
    const events = watchUntilDeleted(sandbox, `/api/v1/namespaces/demo/pods?${query}`);
    await new Promise((r) => setTimeout(r, 100));

    // Act
    await api('DELETE', `/api/v1/namespaces/demo/pods/${pod.metadata.name}`, {
      body: { propagationPolicy: 'Background' },
    });

    // Assess
    const received = await events;
    expect(received.map((e) => [e.type, e.object.metadata.name])).toEqual([['DELETED', pod.metadata.name]]);
  });

  it('answers 422 Invalid for an invalid object, 400 for malformed JSON and 404/405 for unknown routes', async () => {
    // Act
    const invalid = await api('POST', '/api/v1/namespaces/demo/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [] } },
    });
    const malformed = await api('POST', '/api/v1/namespaces/demo/pods', { rawBody: '{nope' });
    const unknown = await api('GET', '/apis/apps/v1/namespaces/demo/widgets');
    const wrongVerb = await api('PUT', '/api/v1/namespaces/demo/pods', { body: {} });

    // Assess
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid', details: { name: 'bad', kind: 'Pod' } });
    expect(invalid.body.message).toBe('Pod "bad" is invalid: spec.containers: Required value');
    expect([malformed.status, malformed.body.reason]).toEqual([400, 'BadRequest']);
    expect(malformed.body.message).toContain('json parse error');
    expect([unknown.status, unknown.body.reason]).toEqual([404, 'NotFound']);
    expect([wrongVerb.status, wrongVerb.body.reason]).toEqual([405, 'MethodNotAllowed']);
  });

  it('deletes with the right preconditions.uid and returns the deleted pod', async () => {
    // Prepare
    const pod = (await api('GET', '/api/v1/namespaces/demo/pods')).body.items?.[0] as K8sObject;
    const path = `/api/v1/namespaces/demo/pods/${pod.metadata.name}?gracePeriodSeconds=0`;

    // Act
    const res = await api('DELETE', path, { body: { preconditions: { uid: pod.metadata.uid } } });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'Pod',
      metadata: { name: pod.metadata.name, uid: pod.metadata.uid },
    });
    expect((await api('GET', `/api/v1/namespaces/demo/pods/${pod.metadata.name}`)).status).toBe(404);
  });

  it('rolls out a JSON-patched image: a second ReplicaSet with revision 2 and 3 new pods', async () => {
    // Prepare
    const oldPods =
      (await api('GET', '/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb')).body.items ?? [];

    // Act
    const res = await api('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web', {
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' }],
    });

    // Assess
    expect(res.status).toBe(200);
    const deploy = (await api('GET', '/apis/apps/v1/namespaces/demo/deployments/web')).body as K8sObject;
    const sets =
      (await api('GET', '/apis/apps/v1/namespaces/demo/replicasets?labelSelector=app%3Dweb')).body.items ??
      [];
    expect(sets).toHaveLength(2);
    const newRs = sets.find(
      (rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2',
    ) as K8sObject;
    expect(newRs.spec.replicas).toBe(3);
    expect(newRs.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: deploy.metadata.uid,
      controller: true,
    });
    expect(sets.find((rs) => rs !== newRs)?.spec.replicas).toBe(0);
    const pods = (await api('GET', '/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb')).body.items ?? [];
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.spec.containers[0].image).toBe('nginx:1.28');
      expect(pod.metadata.labels?.['pod-template-hash']).toBe(newRs.metadata.labels?.['pod-template-hash']);
      expect(oldPods.map((p) => p.metadata.name)).not.toContain(pod.metadata.name);
    }
    expect(deploy.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(deploy.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      observedGeneration: deploy.metadata.generation,
    });
  });

  it('lets the real `kubectl rollout undo` go back to nginx:1.27 as revision 3', async () => {
    // Act
    const out = await k('rollout', 'undo', 'deployment/web', '-n', 'demo');

    // Assess
    expect(out).toContain('rolled back');
    const patch = sandbox.requests.findLast((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/json-patch+json');
    const deploy = (await api('GET', '/apis/apps/v1/namespaces/demo/deployments/web')).body as K8sObject;
    expect(deploy.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(deploy.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const images = (
      (await api('GET', '/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb')).body.items ?? []
    ).map((p) => p.spec.containers[0].image);
    expect(images).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
  });
});
