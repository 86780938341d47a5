// A minimal OpenAPI v3 index so `kubectl apply/create -f` (default --validate=strict) works: kubectl
// looks for the `fieldValidation` query parameter on each kind's PATCH operation, and when it is there
// it leaves validation to the server instead of downloading schemas for client-side validation.
import { groupVersion, RESOURCES } from './resources/index.js';
import { fnv32a } from './util.js';

const gvPath = (gv: string): string => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`);

/** /openapi/v3: the group-version documents and their URLs. */
export function openApiRoot(): Record<string, unknown> {
  const gvs = [...new Set(RESOURCES.map(groupVersion))];
  return {
    paths: Object.fromEntries(
      gvs.map((gv) => [
        gvPath(gv),
        { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=${fnv32a(gv).toString(16)}` },
      ]),
    ),
  };
}

/** /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>, or undefined if nothing is served there. */
export function openApiGroupVersion(path: string): Record<string, unknown> | undefined {
  const defs = RESOURCES.filter((d) => gvPath(groupVersion(d)) === path);
  if (defs.length === 0) return undefined;
  const fieldValidation = {
    name: 'fieldValidation',
    in: 'query',
    schema: { type: 'string', uniqueItems: true },
  };
  const paths = Object.fromEntries(
    defs.map((d) => {
      const base = `/${gvPath(groupVersion(d))}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}/{name}`;
      const op = (action: string) => ({
        operationId: `${action}${d.kind}`,
        parameters: [fieldValidation],
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': { group: d.group, version: d.version, kind: d.kind },
      });
      return [base, { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') }];
    }),
  );
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths };
}
