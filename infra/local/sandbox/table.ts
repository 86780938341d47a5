// meta.k8s.io Table responses (what `kubectl get` asks for) and the Accept negotiation for them.
import { defaultPrinter } from './printers.js';
import type { K8sObject, ResourceDef } from './types.js';

export interface TableRequest {
  version: 'v1' | 'v1beta1';
  includeObject: 'None' | 'Metadata' | 'Object';
}

/**
 * The Table version the client accepts, from e.g.
 * `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;
 * undefined when it does not ask for a Table.
 */
export function tableRequest(accept: string | undefined, query: URLSearchParams): TableRequest | undefined {
  for (const range of (accept ?? '').split(',')) {
    const params = new Map(
      range
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const version = params.get('v') === 'v1beta1' ? 'v1beta1' : 'v1';
      const include = query.get('includeObject');
      const includeObject = include === 'None' || include === 'Object' ? include : 'Metadata';
      return { version, includeObject };
    }
  }
  return undefined;
}

function rowObject(obj: K8sObject, include: TableRequest['includeObject']): unknown {
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A Table of `objects`; `withColumns: false` leaves out the column definitions (later watch events). */
export function toTable(
  def: ResourceDef,
  objects: K8sObject[],
  req: TableRequest,
  resourceVersion: string,
  withColumns = true,
): Record<string, unknown> {
  const printer = def.printer ?? defaultPrinter;
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${req.version}`,
    metadata: { resourceVersion },
    columnDefinitions: withColumns ? printer.columns : [],
    rows: objects.map((o) => ({
      cells: printer.cells(o, now),
      ...(req.includeObject === 'None' ? {} : { object: rowObject(o, req.includeObject) }),
    })),
  };
}
