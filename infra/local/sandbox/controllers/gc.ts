// The garbage collector: removes objects whose owners are all gone and objects of deleted namespaces.

import { ApiError } from '../errors.js';
import { mustResolve } from '../resources/index.js';
import type { SandboxStore } from '../store.js';

function ignoreNotFound(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // Another deletion in the same pass may have removed it already.
    if (!(e instanceof ApiError && e.code === 404)) throw e;
  }
}

/** Cascades deletions (background propagation) and drops dangling owner references. */
export function garbageCollector(store: SandboxStore): void {
  const namespaces = mustResolve('namespaces');
  for (const { def, object } of store.peekEntries()) {
    const { namespace, name = '' } = object.metadata;
    if (def.namespaced && !store.peek(namespaces, undefined, namespace ?? '')) {
      ignoreNotFound(() => store.delete(def, namespace, name));
      continue;
    }
    const refs = object.metadata.ownerReferences ?? [];
    const alive = refs.filter((r) => store.hasUid(r.uid));
    if (refs.length === 0 || alive.length === refs.length) continue;
    if (alive.length === 0) {
      ignoreNotFound(() => store.delete(def, namespace, name, { propagationPolicy: 'Background' }));
    } else {
      ignoreNotFound(() =>
        store.update(def, { ...object, metadata: { ...object.metadata, ownerReferences: alive } }),
      );
    }
  }
}
