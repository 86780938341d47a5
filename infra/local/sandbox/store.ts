// The in-memory object store: objects keyed by group/resource/namespace/name, a global resourceVersion
// counter, an event history for watches, and reconcilers (controllers) run after every write.
import { randomUUID } from 'node:crypto';
import { alreadyExists, invalid, notFound } from './errors.js';
import { groupVersion, mustResolve } from './resources/index.js';
import type { K8sObject, ResourceDef } from './types.js';
import { clone, jsonEqual, randomSuffix, timestamp } from './util.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  def: ResourceDef;
  object: K8sObject;
  resourceVersion: number;
}

export interface WriteOptions {
  dryRun?: boolean;
}

export interface RemoveOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
}

/** A resource given by name (`pods`, `Pod`, `deploy`, `deployments.apps`) or by definition. */
export type ResourceRef = string | ResourceDef;

const HISTORY_LIMIT = 10_000;
const MAX_RECONCILE_ROUNDS = 100;

const keyOf = (def: ResourceDef): string => `${def.group}/${def.resource}`;
const itemKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/** Objects minus metadata and status: what `metadata.generation` tracks. */
const specPart = (o: K8sObject): unknown => ({ ...o, metadata: undefined, status: undefined });

export class SandboxStore {
  readonly #objects = new Map<string, { def: ResourceDef; items: Map<string, K8sObject> }>();
  readonly #uids = new Set<string>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<(e: StoreEvent) => void>();
  readonly #reconcilers: Array<() => void> = [];
  readonly #queue: StoreEvent[] = [];
  #dispatching = false;
  #rv = 0;

  /** The current (latest) resourceVersion, as a string like the apiserver's. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** A copy of one object, or undefined. Cluster-scoped resources ignore `namespace`. */
  get(ref: ResourceRef, namespace: string | undefined, name: string): K8sObject | undefined {
    const def = this.#def(ref);
    const found = this.#bucket(def).get(itemKey(def.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  /** Copies of all objects of a resource, in one namespace or all, sorted by namespace then name. */
  list(ref: ResourceRef, namespace?: string): K8sObject[] {
    const def = this.#def(ref);
    return [...this.#bucket(def)]
      .filter(([, o]) => !def.namespaced || namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
  }

  /** Every stored object with its definition (for the garbage collector). */
  entries(): Array<{ def: ResourceDef; object: K8sObject }> {
    const out: Array<{ def: ResourceDef; object: K8sObject }> = [];
    for (const { def, items } of this.#objects.values()) {
      for (const o of items.values()) out.push({ def, object: clone(o) });
    }
    return out;
  }

  /** True while an object with this uid exists. */
  hasUid(uid: string): boolean {
    return this.#uids.has(uid);
  }

  /** Creates an object (defaults, validation, uid, resourceVersion, generation 1); 409 if it exists. */
  create(ref: ResourceRef, input: K8sObject, opts: WriteOptions = {}): K8sObject {
    const def = this.#def(ref);
    const obj = clone(input);
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (!def.namespaced) delete meta.namespace;
    else if (!meta.namespace)
      throw invalid(def, meta.name ?? '', [
        { type: 'FieldValueRequired', field: 'metadata.namespace', detail: '' },
      ]);
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (this.#bucket(def).has(itemKey(meta.namespace, meta.name)));
    }
    def.defaults?.(obj);
    const errors = def.validate?.(obj, undefined) ?? [];
    if (errors.length > 0) throw invalid(def, meta.name ?? '', errors);
    const name = meta.name as string;
    if (def.namespaced && !this.get('namespaces', undefined, meta.namespace as string)) {
      throw notFound(mustResolve('namespaces'), meta.namespace as string);
    }
    if (this.#bucket(def).has(itemKey(meta.namespace, name))) throw alreadyExists(def, name);
    meta.uid = randomUUID();
    meta.generation = 1;
    meta.creationTimestamp = timestamp();
    delete meta.deletionTimestamp;
    if (opts.dryRun) return obj;
    meta.resourceVersion = String(++this.#rv);
    this.#bucket(def).set(itemKey(meta.namespace, name), obj);
    this.#uids.add(meta.uid);
    return this.#emit('ADDED', def, obj);
  }

  /**
   * Replaces an object. Identity fields (uid, creationTimestamp) are kept; generation is bumped when
   * anything but metadata/status changed; a no-op update keeps the resourceVersion, like the apiserver.
   */
  update(ref: ResourceRef, input: K8sObject, opts: WriteOptions = {}): K8sObject {
    const def = this.#def(ref);
    const namespace = def.namespaced ? input.metadata.namespace : undefined;
    const name = input.metadata.name ?? '';
    const old = this.#bucket(def).get(itemKey(namespace, name));
    if (!old) throw notFound(def, name);
    const obj = clone(input);
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    const meta = obj.metadata;
    meta.uid = old.metadata.uid as string;
    meta.creationTimestamp = old.metadata.creationTimestamp ?? null;
    meta.generation = old.metadata.generation ?? 1;
    meta.resourceVersion = old.metadata.resourceVersion as string;
    if (!def.namespaced) delete meta.namespace;
    def.defaults?.(obj);
    const errors = def.validate?.(obj, old) ?? [];
    if (errors.length > 0) throw invalid(def, name, errors);
    if (jsonEqual(obj, old)) return clone(old);
    if (!jsonEqual(specPart(obj), specPart(old))) meta.generation += 1;
    if (opts.dryRun) return obj;
    meta.resourceVersion = String(++this.#rv);
    this.#bucket(def).set(itemKey(namespace, name), obj);
    return this.#emit('MODIFIED', def, obj);
  }

  /** Deletes an object at once and returns its last state; `Orphan` first detaches its dependents. */
  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts: RemoveOptions = {}): K8sObject {
    const def = this.#def(ref);
    const key = itemKey(def.namespaced ? namespace : undefined, name);
    const old = this.#bucket(def).get(key);
    if (!old) throw notFound(def, name);
    const obj = clone(old);
    obj.metadata.deletionTimestamp = timestamp();
    if (opts.gracePeriodSeconds !== undefined)
      obj.metadata.deletionGracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.dryRun) return obj;
    const uid = old.metadata.uid as string;
    if (opts.propagationPolicy === 'Orphan') {
      for (const { def: d, object } of this.entries()) {
        const refs = object.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        object.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
        if (object.metadata.ownerReferences.length === 0) delete object.metadata.ownerReferences;
        this.update(d, object);
      }
    }
    this.#bucket(def).delete(key);
    this.#uids.delete(uid);
    // The DELETED event (and the DELETE response) carry the resourceVersion of the deletion.
    obj.metadata.resourceVersion = String(++this.#rv);
    return this.#emit('DELETED', def, obj);
  }

  /** Listens to every committed change (watch streams); returns the unsubscribe function. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers a reconciler run after every burst of writes until nothing changes any more. */
  addReconciler(reconcile: () => void): void {
    this.#reconcilers.push(reconcile);
  }

  /** Events after `resourceVersion`, or undefined when that version is older than the history kept. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    const first = this.#history[0];
    if (first && resourceVersion < first.resourceVersion - 1) return undefined;
    return this.#history.filter((e) => e.resourceVersion > resourceVersion);
  }

  #def(ref: ResourceRef): ResourceDef {
    return typeof ref === 'string' ? mustResolve(ref) : ref;
  }

  #bucket(def: ResourceDef): Map<string, K8sObject> {
    let bucket = this.#objects.get(keyOf(def));
    if (!bucket) {
      bucket = { def, items: new Map() };
      this.#objects.set(keyOf(def), bucket);
    }
    return bucket.items;
  }

  // Delivers events in resourceVersion order even when a listener or reconciler writes: writes made
  // while dispatching are queued and delivered after the current event, then reconcilers run again.
  #emit(type: WatchEventType, def: ResourceDef, stored: K8sObject): K8sObject {
    const event: StoreEvent = { type, def, object: clone(stored), resourceVersion: this.#rv };
    this.#history.push(event);
    if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
    this.#queue.push(event);
    const result = clone(stored);
    if (this.#dispatching) return result;
    this.#dispatching = true;
    try {
      for (let round = 0; this.#queue.length > 0; round++) {
        for (let e = this.#queue.shift(); e; e = this.#queue.shift()) {
          for (const listener of [...this.#listeners]) guard(() => listener(e as StoreEvent));
        }
        if (round >= MAX_RECONCILE_ROUNDS) {
          console.error('sandbox: controllers did not settle after %d rounds', round);
          this.#queue.length = 0;
          break;
        }
        for (const reconcile of this.#reconcilers) guard(reconcile);
      }
    } finally {
      this.#dispatching = false;
    }
    return result;
  }
}

// A failing listener or controller must not undo or fail the write that triggered it.
function guard(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error('sandbox: listener/controller failed:', e);
  }
}
