import { describe, expect, it } from 'vitest';
import { rollbackAnnotations } from '#domain/actions/rollback/annotations.js';
import { buildRollbackPatch } from '#domain/actions/rollback/build-patch.js';
import type { PodTemplate } from '#domain/actions/rollback/objects.js';
import { semanticEqual } from '#domain/actions/rollback/semantic-equal.js';

/**
 * The PATCH body real kubectl (1.20 to 1.33) sent for `kubectl rollout undo deployment/x -n ns`, from
 * /work/shared/reference/captures/kubectl-rollout-undo-requests.txt.
 */
const CAPTURED_UNDO_PATCH =
  '[{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"app":"x"}},' +
  '"spec":{"containers":[{"name":"app","image":"example/app:v1","resources":{}}]}}},' +
  '{"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"2"}}]';

/** The revision-1 ReplicaSet's template as the API server returns it: Go writes the zero values out. */
const serverTemplate = (): PodTemplate => ({
  metadata: { creationTimestamp: null, labels: { app: 'x', 'pod-template-hash': '7d9c6b5f4' } },
  spec: { containers: [{ name: 'app', image: 'example/app:v1', resources: {} }] },
});

describe('buildRollbackPatch', () => {
  it("reproduces kubectl's captured bytes from the server's JSON", () => {
    const annotations = rollbackAnnotations(
      { 'deployment.kubernetes.io/revision': '2' },
      { 'deployment.kubernetes.io/revision': '1' },
    );
    expect(JSON.stringify(buildRollbackPatch(serverTemplate(), annotations))).toBe(CAPTURED_UNDO_PATCH);
  });

  it("reproduces kubectl's own golden (TestGetDeploymentPatch)", () => {
    const template: PodTemplate = {
      metadata: {},
      spec: { containers: [{ name: '', image: 'foo', resources: {} }] },
    };
    expect(JSON.stringify(buildRollbackPatch(template, { a: 'true' }))).toBe(
      '[{"op":"replace","path":"/spec/template","value":{"metadata":{},"spec":{"containers":[{"name":"","image":"foo","resources":{}}]}}},' +
        '{"op":"replace","path":"/metadata/annotations","value":{"a":"true"}}]',
    );
  });

  it('adds no zero values of its own: a leaner template gives a semantically equal patch', () => {
    const lean: PodTemplate = {
      metadata: { labels: { app: 'x', 'pod-template-hash': '7d9c6b5f4' } },
      spec: { containers: [{ name: 'app', image: 'example/app:v1' }] },
    };
    const patch = JSON.stringify(buildRollbackPatch(lean, { 'deployment.kubernetes.io/revision': '2' }));
    expect(patch).not.toBe(CAPTURED_UNDO_PATCH);
    expect(semanticEqual(JSON.parse(patch), JSON.parse(CAPTURED_UNDO_PATCH))).toBe(true);
  });

  it('copies the annotations rather than aliasing the caller’s map', () => {
    const annotations = { a: '1' };
    const [, annotationsOp] = buildRollbackPatch(serverTemplate(), annotations);
    annotations.a = 'changed';
    expect(annotationsOp.value).toEqual({ a: '1' });
  });
});
