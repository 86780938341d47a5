import type { PodTemplate } from './objects.js';
import { semanticEqual } from './semantic-equal.js';

/** The label the deployment controller adds to each ReplicaSet's template to tell ReplicaSets apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * The template without the `pod-template-hash` label, otherwise the same object (fields and key order kept,
 * the input left untouched; spreading over an existing key keeps its place, so the patch bytes keep their
 * order). A labels map left empty is dropped, as Go's `omitempty` drops it.
 */
export const withoutHashLabel = (template: PodTemplate): PodTemplate => {
  const metadata = template.metadata;
  if (metadata?.labels === undefined || !Object.hasOwn(metadata.labels, POD_TEMPLATE_HASH_LABEL)) {
    return template;
  }
  const labels = Object.fromEntries(
    Object.entries(metadata.labels).filter(([key]) => key !== POD_TEMPLATE_HASH_LABEL),
  );
  if (Object.keys(labels).length > 0) return { ...template, metadata: { ...metadata, labels } };
  const { labels: _onlyTheHash, ...withoutLabels } = metadata;
  return { ...template, metadata: withoutLabels };
};

/**
 * Whether two pod templates describe the same pods, ignoring `pod-template-hash`: a Deployment's template
 * never carries it, and its value also changes when the API adds a field, so it says nothing about the pods.
 */
export const equalIgnoreHash = (a: PodTemplate, b: PodTemplate): boolean =>
  semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
