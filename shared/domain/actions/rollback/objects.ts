/**
 * The few fields of Kubernetes objects that rollback, restart and owner resolution read. Structural and
 * minimal on purpose: the adapter hands over the API server's JSON as is, and every field not named here
 * (the rest of a pod template especially) travels through untouched.
 */

/** Any JSON value: what a pod template or a ControllerRevision's `data` is made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Content types of the two kinds of patch remedy sends, as the API server spells them. */
export const JSON_PATCH = 'application/json-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** RFC 3339, as the API server writes it; null in a pod template (Go serialises the zero time as null). */
  creationTimestamp?: string | null;
}

export interface Container {
  name?: string;
  image?: string;
  [field: string]: unknown;
}

/** A pod template (`spec.template`); only labels and container images are read, the rest is carried. */
export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: { containers?: Container[]; [field: string]: unknown };
  [field: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface Deployment {
  metadata: ObjectMeta;
  spec: { paused?: boolean; selector?: LabelSelector; template: PodTemplate };
}

export interface ReplicaSet {
  metadata: ObjectMeta;
  spec: { template: PodTemplate };
}

/** A StatefulSet or a DaemonSet: the workloads whose history lives in ControllerRevisions. */
export interface RevisionedWorkload {
  metadata: ObjectMeta;
  spec: { selector?: LabelSelector; template: PodTemplate };
}

/** One entry of a StatefulSet's or DaemonSet's history; `data` is the patch that restores it. */
export interface ControllerRevision {
  metadata: ObjectMeta;
  revision: number;
  data?: JsonValue;
}

export interface Pod {
  metadata: ObjectMeta;
}

/** The images of a template's (non-init) containers, in order: how an SRE recognises a release. */
export const imagesOf = (template: PodTemplate): string[] =>
  (template.spec?.containers ?? []).map((c) => c.image ?? '');

/** The pod template a ControllerRevision's data restores: the data is `{"spec":{"template":{…}}}`. */
export const templateOfRevisionData = (data: JsonValue | undefined): PodTemplate => {
  const spec = typeof data === 'object' && data !== null && !Array.isArray(data) ? data.spec : undefined;
  const template =
    typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec.template : undefined;
  return typeof template === 'object' && template !== null && !Array.isArray(template)
    ? (template as PodTemplate)
    : {};
};
