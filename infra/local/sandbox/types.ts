// Shared shapes of the sandbox API server: objects, resource definitions and subresource handlers.

/** A JSON value as read from a request body or stored object. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any stored Kubernetes object; spec/status stay loosely typed because each resource differs. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: specs are free-form JSON; controllers narrow what they read.
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  status?: any;
  [key: string]: unknown;
}

/** One field problem, rendered like the apiserver's field.Error (`spec.replicas: Invalid value: -1: ...`). */
export interface FieldError {
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueNotSupported';
  field: string;
  detail: string;
  value?: unknown;
}

/** A column of a meta.k8s.io/v1 Table. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  description: string;
  priority: number;
}

/** How `kubectl get` shows one resource: column definitions plus a row builder. */
export interface Printer {
  columns: TableColumn[];
  cells(obj: K8sObject, now: number): unknown[];
}

/** What a subresource handler gets; `store` is typed loosely here to avoid an import cycle. */
export interface SubresourceContext {
  method: string;
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
  body: unknown;
  contentType: string | undefined;
  store: import('./store.js').SandboxStore;
  def: ResourceDef;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

export type SubresourceHandler = (ctx: SubresourceContext) => HandlerResult | Promise<HandlerResult>;

/**
 * A subresource. `status` and `scale` are served generically; any other one needs a `handler`
 * (e.g. pods/eviction, added by its own module) or answers 405.
 */
export interface SubresourceDef {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: readonly string[];
  handler?: SubresourceHandler;
}

/** Everything the server, store, discovery and printers need to know about one resource type. */
export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in URLs
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: readonly SubresourceDef[];
  /** Fills defaults in place, like the apiserver's defaulting functions. */
  defaults?: (obj: K8sObject) => void;
  /** Validates a create (old undefined) or an update; returns field errors (empty = valid). */
  validate?: (obj: K8sObject, old: K8sObject | undefined) => FieldError[];
  /** Extra field selectors this resource supports besides metadata.name/metadata.namespace. */
  fieldSelectors?: readonly string[];
  printer?: Printer;
}
