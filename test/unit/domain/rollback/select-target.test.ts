import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '#domain/actions/rollback/objects.js';
import { isControlledBy, readRevision, revisionOf } from '#domain/actions/rollback/revision.js';
import { selectRollbackTarget } from '#domain/actions/rollback/select-target.js';
import { DEPLOYMENT_UID, deployment, replicaSet } from './fixtures.js';

const withRevision = (text: string | undefined) => ({
  metadata: { annotations: text === undefined ? {} : { 'deployment.kubernetes.io/revision': text } },
});

describe('revisionOf', () => {
  it.each([
    ['7', 7, 7],
    ['+7', 7, 7],
    ['007', 7, 7],
    [undefined, 0, 0],
    ['', 0, undefined],
    ['abc', 0, undefined],
    ['-1', 0, undefined],
    ['1.5', 0, undefined],
    [' 3', 0, undefined],
    ['99999999999999999999', 0, undefined],
  ])('annotation %j → revisionOf %i, readRevision %s', (text, revision, read) => {
    expect(revisionOf(withRevision(text))).toBe(revision);
    expect(readRevision(withRevision(text))).toBe(read);
  });

  it('is 0 without any annotations map', () => {
    expect(revisionOf({ metadata: {} })).toBe(0);
  });
});

describe('isControlledBy', () => {
  const owner = { metadata: { uid: DEPLOYMENT_UID } };
  const ref = (uid: string, controller?: boolean) => ({
    kind: 'Deployment',
    name: 'web',
    uid,
    ...(controller === undefined ? {} : { controller }),
  });
  it.each([
    ['a controller reference with the owner uid', [ref(DEPLOYMENT_UID, true)], true],
    ['the controller after a plain owner reference', [ref('other'), ref(DEPLOYMENT_UID, true)], true],
    ['a non-controller reference with the owner uid', [ref(DEPLOYMENT_UID, false)], false],
    ['a reference without the controller flag', [ref(DEPLOYMENT_UID)], false],
    ['a controller with another uid (same name)', [ref('other-uid', true)], false],
    ['no owner references', [], false],
  ])('%s → %s', (_case, ownerReferences, expected) => {
    expect(isControlledBy({ metadata: { ownerReferences } }, owner)).toBe(expected);
  });

  it('never matches an owner without a uid', () => {
    expect(
      isControlledBy({ metadata: { ownerReferences: [ref('', true)] } }, { metadata: { uid: '' } }),
    ).toBe(false);
  });
});

const r1 = replicaSet('r1', { revision: '1' });
const r2 = replicaSet('r2', { revision: '2' });
const r3 = replicaSet('r3', { revision: '3' });
const unnumbered = replicaSet('r0', { revision: undefined });
const corrupt = replicaSet('rx', { revision: 'abc' });
const foreign = replicaSet('rf', { revision: '9', ownerUid: 'another-deployment' });
const notController = replicaSet('rn', { revision: '8', controller: false });

describe('selectRollbackTarget', () => {
  it.each<[string, ReplicaSet[], number, string, string, number, number]>([
    ['two revisions, previous', [r1, r2], 0, 'r1', 'r2', 2, 1],
    ['three revisions in any order, previous', [r2, r3, r1], 0, 'r2', 'r3', 3, 2],
    ['an exact revision', [r3, r1, r2], 1, 'r1', 'r3', 3, 1],
    ['the current revision itself', [r1, r2, r3], 3, 'r3', 'r3', 3, 3],
    ['a ReplicaSet of another Deployment is ignored', [r1, foreign, r2], 0, 'r1', 'r2', 2, 1],
    ['a non-controller owner is ignored', [r1, notController, r2], 0, 'r1', 'r2', 2, 1],
    ['a ReplicaSet without annotation is revision 0', [unnumbered, r1], 0, 'r0', 'r1', 1, 0],
    ['an unreadable revision is passed over', [r1, corrupt, r2], 0, 'r1', 'r2', 2, 1],
  ])('%s', (_case, replicaSets, toRevision, target, current, fromRev, toRev) => {
    const selection = selectRollbackTarget(replicaSets, deployment(), toRevision);
    expect(selection).toEqual({
      ok: true,
      target: expect.objectContaining({ metadata: expect.objectContaining({ name: target }) }),
      current: expect.objectContaining({ metadata: expect.objectContaining({ name: current }) }),
      fromRevision: fromRev,
      toRevision: toRev,
    });
  });

  it.each<[string, ReplicaSet[], number, string]>([
    ['a single revision', [r1], 0, 'no rollout history found for deployment "web"'],
    ['no ReplicaSets', [], 0, 'no rollout history found for deployment "web"'],
    [
      'only foreign ReplicaSets',
      [foreign, notController],
      0,
      'no rollout history found for deployment "web"',
    ],
    ['a missing revision', [r1, r2], 5, 'unable to find specified revision 5 in history'],
    [
      'a revision only a foreign ReplicaSet has',
      [r1, foreign],
      9,
      'unable to find specified revision 9 in history',
    ],
    ['a negative revision', [r1, r2], -1, 'unable to find specified revision -1 in history'],
    ['a fractional revision', [r1, r2], 1.5, 'unable to find specified revision 1.5 in history'],
  ])('refuses %s', (_case, replicaSets, toRevision, reason) => {
    expect(selectRollbackTarget(replicaSets, deployment(), toRevision)).toEqual({ ok: false, reason });
  });

  it('keeps list order between equal revisions, as kubectl does', () => {
    const twinA = replicaSet('twin-a', { revision: '4' });
    const twinB = replicaSet('twin-b', { revision: '4' });
    const selection = selectRollbackTarget([twinA, r1, twinB], deployment(), 0);
    expect(selection.ok && [selection.current.metadata.name, selection.target.metadata.name]).toEqual([
      'twin-a',
      'twin-b',
    ]);
  });
});
