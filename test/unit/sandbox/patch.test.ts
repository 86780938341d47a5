import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../infra/local/sandbox/errors.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatch,
  applyStrategicMergePatch,
  decodeJsonPatch,
  PatchError,
} from '../../../infra/local/sandbox/patch/index.js';

const deployment = () => ({
  metadata: {
    name: 'web',
    annotations: { 'deployment.kubernetes.io/revision': '1', keep: 'me' },
    labels: { app: 'web' },
  },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    },
  },
});

describe('JSON patch (RFC 6902)', () => {
  it('replaces, adds, removes and appends with escaped pointers', () => {
    // Prepare
    const doc = deployment();
    const ops = decodeJsonPatch([
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' },
      { op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' },
      { op: 'remove', path: '/metadata/annotations/keep' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'log', image: 'fluent:2' } },
    ]);

    // Act
    const out = applyJsonPatch(doc, ops) as ReturnType<typeof deployment>;

    // Assess
    expect(out.spec.template.spec.containers.map((c) => c.image)).toEqual([
      'nginx:1.28',
      'envoy:1',
      'fluent:2',
    ]);
    expect(out.metadata.labels).toEqual({ app: 'web', 'app.kubernetes.io/name': 'web' });
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(doc.spec.template.spec.containers[0]?.image).toBe('nginx:1.27'); // the input is untouched
  });

  it('applies the patch kubectl rollout undo sends (whole template and annotations replaced)', () => {
    // Prepare
    const template = {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] },
    };
    const ops = decodeJsonPatch([
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
    ]);

    // Act
    const out = applyJsonPatch(deployment(), ops) as ReturnType<typeof deployment>;

    // Assess
    expect(out.spec.template).toEqual(template);
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '2' });
  });

  it('is all-or-nothing and strict: replace of a missing key, failed test, bad index', () => {
    // Prepare
    const doc = deployment();

    // Act / Assess
    expect(() =>
      applyJsonPatch(doc, decodeJsonPatch([{ op: 'replace', path: '/metadata/missing', value: 1 }])),
    ).toThrow(PatchError);
    expect(() =>
      applyJsonPatch(doc, decodeJsonPatch([{ op: 'test', path: '/spec/replicas', value: 4 }])),
    ).toThrow(/test failed/);
    expect(() =>
      applyJsonPatch(doc, decodeJsonPatch([{ op: 'remove', path: '/spec/template/spec/containers/5' }])),
    ).toThrow(/out of bounds/);
    expect(() => decodeJsonPatch({ op: 'add' })).toThrow(PatchError);
  });

  it('supports move, copy and a passing test', () => {
    // Prepare
    const ops = decodeJsonPatch([
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'copy', from: '/metadata/labels', path: '/metadata/copied' },
      { op: 'move', from: '/metadata/annotations/keep', path: '/metadata/labels/moved' },
    ]);

    // Act
    const out = applyJsonPatch(deployment(), ops) as { metadata: Record<string, unknown> };

    // Assess
    expect(out.metadata.copied).toEqual({ app: 'web' });
    expect(out.metadata.labels).toEqual({ app: 'web', moved: 'me' });
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
  });
});

describe('merge patch (RFC 7386)', () => {
  it('merges maps, deletes nulls and replaces lists', () => {
    // Act
    const out = applyMergePatch(deployment(), {
      metadata: { annotations: { keep: null, added: 'x' } },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    }) as ReturnType<typeof deployment>;

    // Assess
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', added: 'x' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.28' }]);
    expect(out.spec.replicas).toBe(3);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name (kubectl set image) and keeps the other fields', () => {
    // Act
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    }) as ReturnType<typeof deployment>;

    // Assess
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1' },
    ]);
  });

  it('adds the rollout restart annotation to the template without touching the rest', () => {
    // Act
    const out = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z' } },
        },
      },
    }) as ReturnType<typeof deployment> & { spec: { template: { metadata: { annotations: unknown } } } };

    // Assess
    expect(out.spec.template.metadata).toEqual({
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z' },
    });
    expect(out.spec.template.spec.containers).toHaveLength(2);
  });

  it('honours $patch: replace on a map and $patch: delete in a keyed list', () => {
    // Act
    const out = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { tier: 'front', $patch: 'replace' } },
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as ReturnType<typeof deployment>;

    // Assess
    expect(out.metadata.labels).toEqual({ tier: 'front' });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['web']);
  });

  it('replaces a whole template with $patch: replace (StatefulSet/DaemonSet undo) and strips directives', () => {
    // Act
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'only', image: 'x:1' }] } } },
    }) as ReturnType<typeof deployment>;

    // Assess
    expect(out.spec.template).toEqual({ spec: { containers: [{ name: 'only', image: 'x:1' }] } });
  });

  it('reorders with $setElementOrder and deletes from primitive lists', () => {
    // Prepare
    const doc = { metadata: { finalizers: ['a', 'b', 'c'] }, spec: deployment().spec };

    // Act
    const out = applyStrategicMergePatch(doc, {
      metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['b'] },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } } },
    }) as typeof doc;

    // Assess
    expect(out.metadata.finalizers).toEqual(['a', 'c']);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'web']);
  });
});

describe('applyPatch', () => {
  const codeOf = (fn: () => unknown): number | undefined => {
    try {
      fn();
    } catch (e) {
      return e instanceof ApiError ? e.code : -1;
    }
    return undefined;
  };

  it('picks the algorithm from the content type (parameters ignored)', () => {
    // Act
    const merged = applyPatch('application/merge-patch+json; charset=utf-8', { a: [1, 2] }, { a: [3] });
    const strategic = applyPatch(
      'application/strategic-merge-patch+json',
      { finalizers: ['x'] },
      { finalizers: ['y'] },
    );

    // Assess
    expect(merged).toEqual({ a: [3] });
    expect(strategic).toEqual({ finalizers: ['x', 'y'] });
  });

  it('maps failures to 415 (unknown type), 400 (undecodable JSON patch) and 422 (cannot apply)', () => {
    // Act / Assess
    expect(codeOf(() => applyPatch('application/apply-patch+yaml', {}, {}))).toBe(415);
    expect(codeOf(() => applyPatch('application/json-patch+json', {}, { op: 'add' }))).toBe(400);
    expect(
      codeOf(() => applyPatch('application/json-patch+json', {}, [{ op: 'replace', path: '/x', value: 1 }])),
    ).toBe(422);
  });
});
