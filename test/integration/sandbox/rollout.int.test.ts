import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../infra/local/sandbox/index.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { kubectl, kubectlFails, startTestSandbox, stopTestSandbox } from './helpers.js';

const NS = 'rollout';
const REVISION = 'deployment.kubernetes.io/revision';

let sandbox: Sandbox;
let dir: string;

const k = (...args: string[]) => kubectl(sandbox, dir, '-n', NS, ...args);
const kFails = (...args: string[]) => kubectlFails(sandbox, dir, '-n', NS, ...args);

/** Creates Deployment `name` (2 × app:v1) straight in the store; each test uses its own. */
function deploy(name: string): void {
  sandbox.store.create('deployments', {
    metadata: { name, namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'example/app:v1' }] },
      },
    },
  });
}

const deployment = (name: string) => sandbox.store.get('deployments', NS, name) as K8sObject;
const imageOf = (obj: K8sObject): string => obj.spec.template.spec.containers[0].image;

/** The Deployment's ReplicaSets as [image, revision, replicas], by revision. */
const replicaSets = (name: string) =>
  sandbox.store
    .list('replicasets', NS)
    .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deployment(name).metadata.uid)
    .sort((a, b) => Number(a.metadata.annotations?.[REVISION]) - Number(b.metadata.annotations?.[REVISION]))
    .map((rs) => [imageOf(rs), rs.metadata.annotations?.[REVISION], rs.spec.replicas]);

const podImages = (name: string) =>
  sandbox.store
    .list('pods', NS)
    .filter((p) => p.metadata.labels?.app === name)
    .map((p) => p.spec.containers[0].image);

beforeAll(async () => {
  ({ sandbox, dir } = await startTestSandbox('rollout', { seed: false, namespace: NS }));
});

afterAll(() => stopTestSandbox(sandbox, dir));

describe('Deployment rollouts with the real kubectl', () => {
  it('set image rolls out revision 2, rollout status returns and rollout history lists both', async () => {
    // Prepare
    deploy('a');

    // Act
    const set = await k('set', 'image', 'deployment/a', 'app=example/app:v2');
    const status = await k('rollout', 'status', 'deployment/a', '--timeout=20s');
    const history = await k('rollout', 'history', 'deployment/a');
    const revision2 = await k('rollout', 'history', 'deployment/a', '--revision=2');

    // Assess
    expect(set).toContain('deployment.apps/a image updated');
    expect(status).toContain('deployment "a" successfully rolled out');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(revision2).toContain('Image:\texample/app:v2');
    expect(replicaSets('a')).toEqual([
      ['example/app:v1', '1', 0],
      ['example/app:v2', '2', 2],
    ]);
    expect(deployment('a').status).toMatchObject({
      observedGeneration: deployment('a').metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(
      deployment('a').status.conditions.map((c: { type: string; reason: string }) => [c.type, c.reason]),
    ).toEqual([
      ['Available', 'MinimumReplicasAvailable'],
      ['Progressing', 'NewReplicaSetAvailable'],
    ]);
  });

  it('rollout undo after set image restores the old image; the old ReplicaSet becomes revision 3', async () => {
    // Prepare
    deploy('b');
    await k('set', 'image', 'deployment/b', 'app=example/app:v2');

    // Act
    const out = await k('rollout', 'undo', 'deployment/b');

    // Assess
    expect(out).toContain('deployment.apps/b rolled back');
    const patch = sandbox.requests.findLast((r) => r.method === 'PATCH' && r.path.includes('/deployments/b'));
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(imageOf(deployment('b'))).toBe('example/app:v1');
    expect(deployment('b').metadata.annotations?.[REVISION]).toBe('3');
    expect(replicaSets('b')).toEqual([
      ['example/app:v2', '2', 0],
      ['example/app:v1', '3', 2],
    ]);
    expect(podImages('b')).toEqual(['example/app:v1', 'example/app:v1']);
    expect(await k('rollout', 'history', 'deployment/b')).toMatch(
      /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/,
    );
  });

  it('rollout undo --to-revision=1 goes back two steps; an unknown revision is refused', async () => {
    // Prepare
    deploy('c');
    await k('set', 'image', 'deployment/c', 'app=example/app:v2');
    await k('set', 'image', 'deployment/c', 'app=example/app:v3');

    // Act
    const out = await k('rollout', 'undo', 'deployment/c', '--to-revision=1');
    const missing = await kFails('rollout', 'undo', 'deployment/c', '--to-revision=9');

    // Assess
    expect(out).toContain('deployment.apps/c rolled back');
    expect(missing).toContain('unable to find specified revision 9 in history');
    expect(imageOf(deployment('c'))).toBe('example/app:v1');
    expect(replicaSets('c')).toEqual([
      ['example/app:v2', '2', 0],
      ['example/app:v3', '3', 0],
      ['example/app:v1', '4', 2],
    ]);
  });

  it('rollout restart stamps restartedAt on the template and replaces the pods under revision 2', async () => {
    // Prepare
    deploy('d');
    const before = sandbox.store.list('pods', NS).filter((p) => p.metadata.labels?.app === 'd');

    // Act
    const out = await k('rollout', 'restart', 'deployment/d');

    // Assess
    expect(out).toContain('deployment.apps/d restarted');
    const annotations = deployment('d').spec.template.metadata.annotations;
    expect(annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(replicaSets('d').map(([, revision, replicas]) => [revision, replicas])).toEqual([
      ['1', 0],
      ['2', 2],
    ]);
    const after = sandbox.store.list('pods', NS).filter((p) => p.metadata.labels?.app === 'd');
    expect(after.map((p) => p.metadata.name)).not.toContain(before[0]?.metadata.name);
    expect(after).toHaveLength(2);
  });

  it('rollout pause holds a template change back until rollout resume; undo and restart refuse meanwhile', async () => {
    // Prepare: a second revision first, so that `undo` has history and reaches the paused check.
    deploy('e');
    await k('set', 'image', 'deployment/e', 'app=example/app:v2');

    // Act
    const paused = await k('rollout', 'pause', 'deployment/e');
    await k('set', 'image', 'deployment/e', 'app=example/app:v3');
    const heldBack = { sets: replicaSets('e'), pods: podImages('e'), spec: deployment('e').spec };
    const undo = await kFails('rollout', 'undo', 'deployment/e');
    const restart = await kFails('rollout', 'restart', 'deployment/e');
    const resumed = await k('rollout', 'resume', 'deployment/e');
    const status = await k('rollout', 'status', 'deployment/e', '--timeout=20s');

    // Assess
    expect(paused).toContain('deployment.apps/e paused');
    expect(heldBack.spec.paused).toBe(true);
    expect(heldBack.spec.template.spec.containers[0].image).toBe('example/app:v3');
    expect(heldBack.sets).toEqual([
      ['example/app:v1', '1', 0],
      ['example/app:v2', '2', 2],
    ]);
    expect(heldBack.pods).toEqual(['example/app:v2', 'example/app:v2']);
    expect(undo).toContain(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume'",
    );
    expect(restart).toContain("can't restart paused deployment (run rollout resume first)");
    expect(resumed).toContain('deployment.apps/e resumed');
    expect(status).toContain('deployment "e" successfully rolled out');
    expect(deployment('e').spec.paused).toBeUndefined();
    expect(replicaSets('e')).toEqual([
      ['example/app:v1', '1', 0],
      ['example/app:v2', '2', 0],
      ['example/app:v3', '3', 2],
    ]);
  });

  it('rollout status of a paused Deployment with a pending template change keeps waiting', async () => {
    // Prepare
    deploy('f');
    await k('rollout', 'pause', 'deployment/f');
    await k('set', 'image', 'deployment/f', 'app=example/app:v2');

    // Act
    const err = await kFails('rollout', 'status', 'deployment/f', '--timeout=1s');

    // Assess
    expect(err).toContain('timed out waiting for the condition');
    expect(deployment('f').status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }),
    );
  });
});
