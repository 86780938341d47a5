// `?watch=true`: a chunked stream of {"type","object"} lines, replayed from the store's history.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import type { StoreEvent } from '../store.js';
import { tableRequest, toTable } from '../table.js';
import type { K8sObject } from '../types.js';
import { type ApiRequest, selectorFilter } from './request.js';

const DEFAULT_TIMEOUT_SECONDS = 1800;

/**
 * Serves a watch. Without a resourceVersion (or with "0") the client first gets ADDED events for what
 * exists; with one, the events after it. `sendInitialEvents=true` ends the initial events with a BOOKMARK.
 * The stream is added to `openWatches` until it closes, so the server can end it on shutdown.
 */
export function serveWatch(req: ApiRequest, res: ServerResponse, openWatches: Set<ServerResponse>): void {
  const { store, def, query } = req;
  const matches = selectorFilter(req);
  const inScope = (o: K8sObject) =>
    !def.namespaced || req.namespace === undefined || o.metadata.namespace === req.namespace;
  const table = tableRequest(req.accept, query);
  let first = true;
  const encode = (type: string, object: K8sObject | Record<string, unknown>): string => {
    const body =
      table && type !== 'ERROR' && type !== 'BOOKMARK'
        ? toTable(def, [object as K8sObject], table, store.resourceVersion, first)
        : object;
    if (table && type !== 'ERROR') first = false;
    return `${JSON.stringify({ type, object: body })}\n`;
  };

  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true';
  if (rvParam !== '' && rvParam !== '0' && !/^\d+$/.test(rvParam)) {
    throw new ApiError(400, 'BadRequest', `invalid resource version: ${rvParam}`);
  }
  let backlog: Array<{ type: string; object: K8sObject }>;
  let tooOld = false;
  if (sendInitial || rvParam === '' || rvParam === '0') {
    backlog = store
      .list(def, req.namespace)
      .filter((o) => inScope(o) && matches(o))
      .map((object) => ({ type: 'ADDED', object }));
  } else {
    const events = store.eventsSince(Number(rvParam));
    tooOld = events === undefined;
    backlog = (events ?? []).filter((e) => e.def === def && inScope(e.object) && matches(e.object));
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (tooOld) {
    const status = new ApiError(
      410,
      'Expired',
      `too old resource version: ${rvParam} (${store.resourceVersion})`,
    ).toStatus();
    res.end(encode('ERROR', status));
    return;
  }
  for (const e of backlog) res.write(encode(e.type, e.object));
  if (sendInitial) {
    const bookmark = {
      kind: def.kind,
      apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
      metadata: {
        resourceVersion: store.resourceVersion,
        annotations: { 'k8s.io/initial-events-end': 'true' },
      },
    };
    res.write(encode('BOOKMARK', bookmark));
  }

  // Subscribing in the same tick as the snapshot above: nothing can be written in between.
  const unsubscribe = store.subscribe((e: StoreEvent) => {
    if (e.def === def && inScope(e.object) && matches(e.object)) res.write(encode(e.type, e.object));
  });
  const timeout = Number(query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS);
  const timer = setTimeout(() => res.end(), Math.max(0, timeout) * 1000);
  openWatches.add(res);
  res.on('close', () => {
    clearTimeout(timer);
    unsubscribe();
    openWatches.delete(res);
  });
}
