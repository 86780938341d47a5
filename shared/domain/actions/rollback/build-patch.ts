import { withoutHashLabel } from './equal-ignore-hash.js';
import type { PodTemplate } from './objects.js';

/** The two operations of a rollback, in kubectl's order. */
export type RollbackPatch = readonly [
  { readonly op: 'replace'; readonly path: '/spec/template'; readonly value: PodTemplate },
  { readonly op: 'replace'; readonly path: '/metadata/annotations'; readonly value: Record<string, string> },
];

/**
 * The JSON Patch (`application/json-patch+json`) that restores a ReplicaSet's template and the annotations
 * from `rollbackAnnotations` on its Deployment. The template is the API server's JSON as received, less the
 * `pod-template-hash` label (the controller sets it per ReplicaSet; a Deployment's template never carries it).
 * No zero value is added or removed, so `JSON.stringify` gives kubectl's bytes whenever the input is the
 * server's.
 */
export const buildRollbackPatch = (
  rsTemplate: PodTemplate,
  annotations: Readonly<Record<string, string>>,
): RollbackPatch => [
  { op: 'replace', path: '/spec/template', value: withoutHashLabel(rsTemplate) },
  { op: 'replace', path: '/metadata/annotations', value: { ...annotations } },
];
