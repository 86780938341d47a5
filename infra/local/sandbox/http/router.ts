// Maps a request path to what it addresses: a discovery document or a resource (namespace, name, subresource).
import { findResource } from '../resources/index.js';
import type { ResourceDef } from '../types.js';

export type Route =
  | { type: 'version' }
  | { type: 'health' }
  | { type: 'openapi'; path: string }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | { type: 'resource'; def: ResourceDef; namespace?: string; name?: string; subresource?: string }
  | { type: 'notFound' };

const NOT_FOUND: Route = { type: 'notFound' };

function resourceRoute(group: string, version: string, rest: string[]): Route {
  if (rest.length === 0) return { type: 'resourceList', group, version };
  // /namespaces/{ns}/{resource}/... except /namespaces/{name}/status|finalize (the namespace's own subresources).
  const namespacedForm =
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && ['status', 'finalize'].includes(rest[2] ?? ''));
  if (namespacedForm) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    const def = findResource(group, version, resource ?? '');
    if (!def?.namespaced || extra.length > 0) return NOT_FOUND;
    return {
      type: 'resource',
      def,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
  }
  const [resource, name, subresource, ...extra] = rest;
  const def = findResource(group, version, resource ?? '');
  // A namespaced resource without a namespace can only be listed/watched across all namespaces.
  if (!def || extra.length > 0 || (def.namespaced && name !== undefined)) return NOT_FOUND;
  return {
    type: 'resource',
    def,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

/** Parses a URL path (without query) into a Route. */
export function route(pathname: string): Route {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return NOT_FOUND;
  }
  const [root, a, b, ...rest] = segments;
  if (root === 'version' && a === undefined) return { type: 'version' };
  if ((root === 'healthz' || root === 'livez' || root === 'readyz') && a === undefined)
    return { type: 'health' };
  if (root === 'openapi' && a === 'v3')
    return { type: 'openapi', path: [b, ...rest].filter(Boolean).join('/') };
  if (root === 'api') {
    if (a === undefined) return { type: 'api' };
    return resourceRoute('', a, b === undefined ? [] : [b, ...rest]);
  }
  if (root === 'apis') {
    if (a === undefined) return { type: 'apis' };
    if (b === undefined) return { type: 'group', group: a };
    return resourceRoute(a, b, rest);
  }
  return NOT_FOUND;
}
