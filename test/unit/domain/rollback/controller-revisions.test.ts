import { describe, expect, it } from 'vitest';
import {
  planControllerRevisionRollback,
  selectControllerRevision,
} from '#domain/actions/rollback/controller-revisions.js';
import type { ControllerRevision, JsonValue, RevisionedWorkload } from '#domain/actions/rollback/objects.js';

const STS_UID = 'sts-uid';
const template = (image: string) => ({
  metadata: { creationTimestamp: null, labels: { app: 'db' } },
  spec: { containers: [{ name: 'db', image, resources: {} }] },
});
/** The data the StatefulSet controller records: the template as a replacing strategic-merge patch. */
const recorded = (image: string): JsonValue => ({
  spec: { template: { $patch: 'replace', ...template(image) } },
});

const revision = (
  n: number,
  opts: { ownerUid?: string; data?: ControllerRevision['data'] } = {},
): ControllerRevision => ({
  metadata: {
    name: `db-${n}`,
    uid: `cr-${n}`,
    ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: opts.ownerUid ?? STS_UID, controller: true }],
  },
  revision: n,
  ...('data' in opts ? (opts.data === undefined ? {} : { data: opts.data }) : { data: recorded(`db:v${n}`) }),
});

const statefulSet = (image: string): RevisionedWorkload => ({
  metadata: { name: 'db', namespace: 'shop', uid: STS_UID },
  spec: { template: template(image) },
});

describe('selectControllerRevision', () => {
  const history = [revision(3), revision(1), revision(2)];
  it.each([
    ['previous revision', history, 0, 2, 3],
    ['exact revision', history, 1, 1, 3],
    ['exact revision with a single entry', [revision(4)], 4, 4, 4],
  ])('%s', (_case, list, toRevision, target, current) => {
    const selection = selectControllerRevision(list, toRevision);
    expect(selection.ok && [selection.target.revision, selection.current.revision]).toEqual([
      target,
      current,
    ]);
  });

  it.each([
    ['a single entry', [revision(1)], 0, 'no last revision to roll back to'],
    ['no history', [], 0, 'no last revision to roll back to'],
    ['a missing revision', history, 7, 'unable to find specified revision 7 in history'],
    ['a negative revision', history, -2, 'unable to find specified revision -2 in history'],
  ])('refuses %s', (_case, list, toRevision, reason) => {
    expect(selectControllerRevision(list, toRevision)).toEqual({ ok: false, reason });
  });
});

describe('planControllerRevisionRollback', () => {
  it('sends the previous revision data verbatim as a strategic-merge patch', () => {
    const history = [revision(1), revision(2)];
    const plan = planControllerRevisionRollback(statefulSet('db:v2'), history, 0);
    expect(plan).toEqual({
      kind: 'patch',
      patchType: 'application/strategic-merge-patch+json',
      body: recorded('db:v1'),
      fromRevision: 2,
      toRevision: 1,
    });
    expect(plan.kind === 'patch' && plan.body).toBe(history[0]?.data);
  });

  it('skips when the current template already equals the revision', () => {
    const plan = planControllerRevisionRollback(statefulSet('db:v1'), [revision(1), revision(2)], 0);
    expect(plan).toEqual({
      kind: 'skip',
      reason: 'skipped rollback (current template already matches revision 1)',
    });
  });

  it('ignores revisions another workload controls', () => {
    const history = [revision(1), revision(2), revision(5, { ownerUid: 'other' })];
    expect(planControllerRevisionRollback(statefulSet('db:v2'), history, 5)).toEqual({
      kind: 'refuse',
      reason: 'unable to find specified revision 5 in history',
    });
  });

  it('refuses a revision without data', () => {
    const history = [revision(1, { data: undefined }), revision(2)];
    expect(planControllerRevisionRollback(statefulSet('db:v2'), history, 0)).toEqual({
      kind: 'refuse',
      reason: 'revision 1 has no recorded template to restore',
    });
  });

  it('refuses without a previous revision', () => {
    expect(planControllerRevisionRollback(statefulSet('db:v1'), [revision(1)], 0)).toEqual({
      kind: 'refuse',
      reason: 'no last revision to roll back to',
    });
  });
});
