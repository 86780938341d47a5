// The in-memory object store: objects keyed by group/resource/namespace/name, a global resourceVersion
// counter, an event history for watches, and reconcilers (controllers) run after every write.
// Stored objects are replaced on write, never changed in place (see freezeStored): `get`/`list` hand out
// copies, the `peek*` reads used by controllers the stored objects themselves (no copy of 1,000 pods per pass),
// and an index by controller uid answers "the pods of this ReplicaSet" without a scan.
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
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The uid of an object's controller reference (the first one with `controller: true`), if any. */
const controllerUid = (o: K8sObject): string | undefined => {
  const refs: unknown = o.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return (refs as Array<{ controller?: unknown; uid?: string } | null>).find((r) => r?.controller === true)
    ?.uid;
};

/**
 * Freezes a stored object and its metadata, spec and status, so that a controller writing to what `peek*`
 * handed it fails loudly. Not deeper: V8 reads frozen arrays (conditions, ownerReferences) a few times slower,
 * and controllers read those of every pod on every pass.
 */
const freezeStored = (o: K8sObject): K8sObject => {
  for (const part of [o.metadata, o.spec, o.status]) Object.freeze(part);
  return Object.freeze(o);
};

/** A set of item keys kept in list order (a sorted array: one binary search per change, no sort per read). */
class KeySet {
  readonly #sorted: string[] = [];

  get size(): number {
    return this.#sorted.length;
  }

  add(key: string): void {
    const i = this.#find(key);
    if (this.#sorted[i] !== key) this.#sorted.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.#find(key);
    if (this.#sorted[i] === key) this.#sorted.splice(i, 1);
  }

  sorted(): readonly string[] {
    return this.#sorted;
  }

  /** The index of `key`, or where it would go. */
  #find(key: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byKey(this.#sorted[mid] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One resource's objects by `namespace/name`, their keys, and the index by controller uid. */
interface Bucket {
  def: ResourceDef;
  items: Map<string, K8sObject>;
  keys: KeySet;
  /** Controller uid (undefined: no controller reference) → keys of the objects it controls. */
  controlled: Map<string | undefined, KeySet>;
}

/** Objects minus metadata and status: what `metadata.generation` tracks. */
const specPart = (o: K8sObject): unknown => ({ ...o, metadata: undefined, status: undefined });

export class SandboxStore {
  readonly #objects = new Map<string, Bucket>();
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
    const found = this.peek(ref, namespace, name);
    return found ? clone(found) : undefined;
  }

  /** Copies of all objects of a resource, in one namespace or all, sorted by namespace then name. */
  list(ref: ResourceRef, namespace?: string): K8sObject[] {
    return this.peekList(ref, namespace).map(clone);
  }

  /** Every stored object with its definition (for the garbage collector). */
  entries(): Array<{ def: ResourceDef; object: K8sObject }> {
    return this.peekEntries().map(({ def, object }) => ({ def, object: clone(object) }));
  }

  /**
   * The stored object itself, frozen: `get` without the copy, for controllers that only read. Change a copy
   * (`{ ...o, status }`) and write it back with `update`.
   */
  peek(ref: ResourceRef, namespace: string | undefined, name: string): K8sObject | undefined {
    const def = this.#def(ref);
    return this.#bucket(def).items.get(itemKey(def.namespaced ? namespace : undefined, name));
  }

  /** `list` without the copies: the stored (frozen) objects, in a new array, sorted by namespace then name. */
  peekList(ref: ResourceRef, namespace?: string): K8sObject[] {
    const bucket = this.#bucket(this.#def(ref));
    return this.#pick(bucket, bucket.keys, namespace);
  }

  /**
   * The stored (frozen) objects of a resource whose controller reference names `ownerUid`, in one namespace
   * or all, sorted like `peekList`: `peekList(ref, ns).filter((o) => isControlledBy(o, owner))` from an index.
   */
  peekControlled(ref: ResourceRef, namespace: string | undefined, ownerUid: string | undefined): K8sObject[] {
    const bucket = this.#bucket(this.#def(ref));
    const keys = bucket.controlled.get(ownerUid);
    return keys ? this.#pick(bucket, keys, namespace) : [];
  }

  /** `entries` without the copies: every stored (frozen) object with its definition, in a new array. */
  peekEntries(): Array<{ def: ResourceDef; object: K8sObject }> {
    const out: Array<{ def: ResourceDef; object: K8sObject }> = [];
    for (const { def, items } of this.#objects.values()) {
      for (const object of items.values()) out.push({ def, object });
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
      while (this.#bucket(def).items.has(itemKey(meta.namespace, meta.name)));
    }
    def.defaults?.(obj);
    const errors = def.validate?.(obj, undefined) ?? [];
    if (errors.length > 0) throw invalid(def, meta.name ?? '', errors);
    const name = meta.name as string;
    if (def.namespaced && !this.peek('namespaces', undefined, meta.namespace as string)) {
      throw notFound(mustResolve('namespaces'), meta.namespace as string);
    }
    if (this.#bucket(def).items.has(itemKey(meta.namespace, name))) throw alreadyExists(def, name);
    meta.uid = randomUUID();
    meta.generation = 1;
    meta.creationTimestamp = timestamp();
    delete meta.deletionTimestamp;
    if (opts.dryRun) return obj;
    meta.resourceVersion = String(++this.#rv);
    this.#put(def, itemKey(meta.namespace, name), obj);
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
    const old = this.#bucket(def).items.get(itemKey(namespace, name));
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
    this.#put(def, itemKey(namespace, name), obj);
    return this.#emit('MODIFIED', def, obj);
  }

  /** Deletes an object at once and returns its last state; `Orphan` first detaches its dependents. */
  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts: RemoveOptions = {}): K8sObject {
    const def = this.#def(ref);
    const key = itemKey(def.namespaced ? namespace : undefined, name);
    const old = this.#bucket(def).items.get(key);
    if (!old) throw notFound(def, name);
    const obj = clone(old);
    obj.metadata.deletionTimestamp = timestamp();
    if (opts.gracePeriodSeconds !== undefined)
      obj.metadata.deletionGracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.dryRun) return obj;
    const uid = old.metadata.uid as string;
    if (opts.propagationPolicy === 'Orphan') {
      for (const { def: d, object } of this.peekEntries()) {
        const refs = object.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        // A copy with the same key order: ownerReferences stays where it was, or goes when none is left.
        const kept = refs.filter((r) => r.uid !== uid);
        const metadata: K8sObject['metadata'] = { ...object.metadata, ownerReferences: kept };
        if (kept.length === 0) delete metadata.ownerReferences;
        this.update(d, { ...object, metadata });
      }
    }
    this.#drop(def, key);
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

  #bucket(def: ResourceDef): Bucket {
    let bucket = this.#objects.get(keyOf(def));
    if (!bucket) {
      bucket = { def, items: new Map(), keys: new KeySet(), controlled: new Map() };
      this.#objects.set(keyOf(def), bucket);
    }
    return bucket;
  }

  /** The bucket's objects under `keys` (in list order) that are in `namespace` (any when undefined). */
  #pick(bucket: Bucket, keys: KeySet, namespace: string | undefined): K8sObject[] {
    const all = !bucket.def.namespaced || namespace === undefined;
    const out: K8sObject[] = [];
    for (const key of keys.sorted()) {
      const o = bucket.items.get(key) as K8sObject;
      if (all || o.metadata.namespace === namespace) out.push(o);
    }
    return out;
  }

  /** Stores (frozen) `obj` under `key`, replacing any object there, and keeps the keys and the index right. */
  #put(def: ResourceDef, key: string, obj: K8sObject): void {
    const bucket = this.#bucket(def);
    const old = bucket.items.get(key);
    bucket.items.set(key, freezeStored(obj));
    bucket.keys.add(key);
    const uid = controllerUid(obj);
    if (old && controllerUid(old) === uid) return;
    if (old) this.#unindex(bucket, key, old);
    let controlled = bucket.controlled.get(uid);
    if (!controlled) {
      controlled = new KeySet();
      bucket.controlled.set(uid, controlled);
    }
    controlled.add(key);
  }

  #drop(def: ResourceDef, key: string): void {
    const bucket = this.#bucket(def);
    const old = bucket.items.get(key);
    if (!old) return;
    this.#unindex(bucket, key, old);
    bucket.items.delete(key);
    bucket.keys.delete(key);
  }

  #unindex(bucket: Bucket, key: string, old: K8sObject): void {
    const uid = controllerUid(old);
    const controlled = bucket.controlled.get(uid);
    controlled?.delete(key);
    if (controlled?.size === 0) bucket.controlled.delete(uid);
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
