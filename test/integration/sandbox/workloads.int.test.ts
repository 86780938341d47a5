import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../infra/local/sandbox/index.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';
import { kubectl, kubectlFails, startTestSandbox, stopTestSandbox, tableRows } from './helpers.js';

const NS = 'wl';

let sandbox: Sandbox;
let dir: string;

const k = (...args: string[]) => kubectl(sandbox, dir, ...args);
const kn = (...args: string[]) => kubectl(sandbox, dir, '-n', NS, ...args);

/** Creates a StatefulSet or DaemonSet `name` (app=<name>, image example/<name>:v1) in the store. */
function workload(resource: 'statefulsets' | 'daemonsets', name: string): void {
  sandbox.store.create(resource, {
    metadata: { name, namespace: NS },
    spec: {
      ...(resource === 'statefulsets' ? { replicas: 2, serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `example/${name}:v1` }] },
      },
    },
  });
}

const get = (resource: string, name: string) => sandbox.store.get(resource, NS, name) as K8sObject;

/** The owner's ControllerRevisions as [name, revision, image], by revision. */
const history = (resource: string, name: string) =>
  sandbox.store
    .list('controllerrevisions', NS)
    .filter((cr) => cr.metadata.ownerReferences?.[0]?.uid === get(resource, name).metadata.uid)
    .sort((a, b) => (a.revision as number) - (b.revision as number))
    .map((cr) => [
      cr.metadata.name,
      cr.revision,
      (cr.data as K8sObject).spec.template.spec.containers[0].image,
    ]);

const pods = (app: string) =>
  sandbox.store
    .list('pods', NS)
    .filter((p) => p.metadata.labels?.app === app)
    .map((p) => ({
      name: p.metadata.name as string,
      node: p.spec.nodeName as string,
      image: p.spec.containers[0].image as string,
      hash: p.metadata.labels?.['controller-revision-hash'],
    }))
    // DaemonSet pod names are random: order by node, then name.
    .sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));

beforeAll(async () => {
  ({ sandbox, dir } = await startTestSandbox('workloads', { namespace: NS }));
});

afterAll(() => stopTestSandbox(sandbox, dir));

describe('StatefulSets, DaemonSets and ControllerRevisions with the real kubectl', () => {
  it('discovers the new apps/v1 types and shows the seeded data/db, data/agent and demo/web-pdb', async () => {
    // Act
    const resources = await k('api-resources', '--api-group=apps', '--no-headers');
    const workloads = await k('get', 'statefulsets,daemonsets', '-n', 'data');
    const dataPods = tableRows(await k('get', 'pods', '-n', 'data'));
    const budgets = tableRows(await k('get', 'pdb', '-n', 'demo'));

    // Assess
    const names = resources.split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(expect.arrayContaining(['controllerrevisions', 'daemonsets', 'statefulsets']));
    expect(workloads).toMatch(/statefulset\.apps\/db\s+2\/2/);
    expect(workloads).toMatch(/daemonset\.apps\/agent\s+2\s+2\s+2\s+2\s+2\s+<none>/);
    expect(dataPods.map((r) => [r[0]?.replace(/^agent-.*/, 'agent-*'), r[2]])).toEqual([
      ['agent-*', 'Running'],
      ['agent-*', 'Running'],
      ['db-0', 'Running'],
      ['db-1', 'Running'],
    ]);
    expect(budgets.map((r) => r.slice(0, 4))).toEqual([['web-pdb', '2', 'N/A', '1']]);
    expect(sandbox.store.list('pods', 'demo')).toHaveLength(3);
  });

  it('StatefulSet: set image, rollout status/history, then rollout undo brings revision 1 back as revision 3', async () => {
    // Prepare
    workload('statefulsets', 'st1');
    const [[first]] = history('statefulsets', 'st1') as [[string]];

    // Act
    await kn('set', 'image', 'statefulset/st1', 'app=example/st1:v2');
    const status = await kn('rollout', 'status', 'statefulset/st1', '--timeout=20s');
    const before = await kn('rollout', 'history', 'statefulset/st1');
    const undo = await kn('rollout', 'undo', 'statefulset/st1');

    // Assess
    expect(status).toContain('partitioned roll out complete: 2 new pods have been updated');
    expect(before).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(undo).toContain('statefulset.apps/st1 rolled back');
    const patch = sandbox.requests.findLast((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(JSON.stringify(patch?.body)).toContain('"$patch":"replace"');
    expect(history('statefulsets', 'st1')).toEqual([
      [expect.any(String), 2, 'example/st1:v2'],
      [first, 3, 'example/st1:v1'],
    ]);
    expect(get('statefulsets', 'st1').spec.template.spec.containers[0].image).toBe('example/st1:v1');
    expect(pods('st1')).toEqual([
      { name: 'st1-0', node: expect.any(String), image: 'example/st1:v1', hash: first },
      { name: 'st1-1', node: expect.any(String), image: 'example/st1:v1', hash: first },
    ]);
    expect(get('statefulsets', 'st1').status).toMatchObject({
      currentRevision: first,
      updateRevision: first,
    });
  });

  it('StatefulSet: undo --to-revision to the current one is skipped, an unknown one refused; history shows a revision', async () => {
    // Prepare
    workload('statefulsets', 'st2');
    await kn('set', 'image', 'statefulset/st2', 'app=example/st2:v2');

    // Act
    const skipped = await kn('rollout', 'undo', 'statefulset/st2', '--to-revision=2');
    const unknown = await kubectlFails(
      sandbox,
      dir,
      '-n',
      NS,
      'rollout',
      'undo',
      'statefulset/st2',
      '--to-revision=7',
    );
    const revision1 = await kn('rollout', 'history', 'statefulset/st2', '--revision=1');

    // Assess
    expect(skipped).toContain(
      'statefulset.apps/st2 skipped rollback (current template already matches revision 2)',
    );
    expect(unknown).toContain('unable to find specified revision 7 in history');
    expect(revision1).toContain('Image:\texample/st2:v1');
  });

  it('DaemonSet: set image, rollout status/history, rollout undo, on both sandbox nodes', async () => {
    // Prepare
    workload('daemonsets', 'ds1');
    const [[first]] = history('daemonsets', 'ds1') as [[string]];

    // Act
    await kn('set', 'image', 'daemonset/ds1', 'app=example/ds1:v2');
    const status = await kn('rollout', 'status', 'daemonset/ds1', '--timeout=20s');
    const updated = pods('ds1');
    const undo = await kn('rollout', 'undo', 'daemonset/ds1');
    const after = await kn('rollout', 'history', 'daemonset/ds1');

    // Assess
    expect(status).toContain('daemon set "ds1" successfully rolled out');
    expect(updated.map((p) => [p.node, p.image])).toEqual([
      ['sandbox-node-a', 'example/ds1:v2'],
      ['sandbox-node-b', 'example/ds1:v2'],
    ]);
    expect(undo).toContain('daemonset.apps/ds1 rolled back');
    expect(after).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    expect(history('daemonsets', 'ds1')).toEqual([
      [expect.any(String), 2, 'example/ds1:v2'],
      [first, 3, 'example/ds1:v1'],
    ]);
    const hash = sandbox.store.get('controllerrevisions', NS, first)?.metadata.labels?.[
      'controller-revision-hash'
    ];
    expect(pods('ds1').map((p) => [p.node, p.image, p.hash])).toEqual([
      ['sandbox-node-a', 'example/ds1:v1', hash],
      ['sandbox-node-b', 'example/ds1:v1', hash],
    ]);
  });

  it('rollout restart of a StatefulSet and a DaemonSet makes a new revision and new pods', async () => {
    // Prepare
    workload('statefulsets', 'st3');
    workload('daemonsets', 'ds3');
    const before = [...pods('st3'), ...pods('ds3')].map((p) => p.hash);

    // Act
    const out = await kn('rollout', 'restart', 'statefulset/st3', 'daemonset/ds3');

    // Assess
    expect(out).toContain('statefulset.apps/st3 restarted');
    expect(out).toContain('daemonset.apps/ds3 restarted');
    for (const [resource, name] of [
      ['statefulsets', 'st3'],
      ['daemonsets', 'ds3'],
    ] as const) {
      expect(get(resource, name).spec.template.metadata.annotations).toHaveProperty([
        'kubectl.kubernetes.io/restartedAt',
      ]);
      expect(history(resource, name).map(([, revision]) => revision)).toEqual([1, 2]);
    }
    const after = [...pods('st3'), ...pods('ds3')].map((p) => p.hash);
    expect(after).toHaveLength(4);
    for (const hash of after) expect(before).not.toContain(hash);
  });
});
