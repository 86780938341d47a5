import { REVISION_ANNOTATION } from './revision.js';

/**
 * Annotations that describe the Deployment itself, not the revision: a rollback keeps the Deployment's own
 * values and never copies the ReplicaSet's. The revision ones belong to the controller (it renumbers the
 * restored ReplicaSet), last-applied belongs to `kubectl apply`'s three-way merge.
 */
export const ANNOTATIONS_KEPT_FROM_DEPLOYMENT: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

type Annotations = Readonly<Record<string, string>>;

/**
 * The Deployment's annotations after rolling back to a ReplicaSet: the Deployment's values of the kept keys,
 * then every other annotation of the ReplicaSet. This replaces the whole map, so a Deployment annotation the
 * ReplicaSet lacks is dropped, exactly as with kubectl. Keys come out sorted, as Go writes a map.
 */
export const rollbackAnnotations = (
  deploymentAnnotations: Annotations | undefined,
  rsAnnotations: Annotations | undefined,
): Record<string, string> => {
  const kept = Object.entries(deploymentAnnotations ?? {}).filter(([key]) =>
    ANNOTATIONS_KEPT_FROM_DEPLOYMENT.has(key),
  );
  const copied = Object.entries(rsAnnotations ?? {}).filter(
    ([key]) => !ANNOTATIONS_KEPT_FROM_DEPLOYMENT.has(key),
  );
  // fromEntries defines own properties, so even a "__proto__" key stays plain data.
  return Object.fromEntries([...kept, ...copied].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};
