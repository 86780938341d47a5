import type { ObjectMeta, OwnerReference } from './objects.js';

/** The annotation the deployment controller numbers each ReplicaSet (each rollout) with. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

type Annotated = { metadata: Pick<ObjectMeta, 'annotations'> };

// A revision is a non-negative decimal integer, as the controller writes it ("7"); Go's ParseInt also takes a
// leading "+", so we do too. Anything else is a corrupt annotation, not a revision.
const REVISION_TEXT = /^\+?\d+$/;

/**
 * The object's revision: undefined when the annotation is present but unreadable, 0 when it is absent (a
 * ReplicaSet the controller never numbered still takes part in history, as in kubectl).
 */
export const readRevision = (obj: Annotated): number | undefined => {
  const text = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (text === undefined) return 0;
  if (!REVISION_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/** The object's revision annotation as an integer; 0 when missing or unreadable. */
export const revisionOf = (obj: Annotated): number => readRevision(obj) ?? 0;

/** The owner reference marked `controller: true`, if any (the API server allows at most one). */
export const controllerOf = (obj: {
  metadata: Pick<ObjectMeta, 'ownerReferences'>;
}): OwnerReference | undefined => obj.metadata.ownerReferences?.find((ref) => ref.controller === true);

/**
 * Whether `owner` is `obj`'s controller, by UID: a name can be reused after a delete, a UID cannot, so a
 * ReplicaSet left behind by an earlier Deployment of the same name never counts as history.
 */
export const isControlledBy = (
  obj: { metadata: Pick<ObjectMeta, 'ownerReferences'> },
  owner: { metadata: Pick<ObjectMeta, 'uid'> },
): boolean => {
  const uid = controllerOf(obj)?.uid;
  return uid !== undefined && uid !== '' && uid === owner.metadata.uid;
};
