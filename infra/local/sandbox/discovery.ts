// Discovery documents (/version, /api, /apis, /api/v1, /apis/<group>/<version>), built from the registry.
// kubectl 1.32 first asks for aggregated discovery (apidiscovery.k8s.io/v2) via Accept; it falls back
// to these classic documents when the response's content type is plain application/json.
import { apiGroups, groupVersion, RESOURCES } from './resources/index.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** /version. The kubectl dispatcher picks its client version from major/minor, so keep them real. */
export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.3',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** /api: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

/** /apis: every named group. */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((g) => groupDoc(g.name, g.versions)),
  };
}

/** /apis/<group>, or undefined for an unknown group. */
export function apiGroup(name: string): Record<string, unknown> | undefined {
  const group = apiGroups().find((g) => g.name === name);
  return group ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group.name, group.versions) } : undefined;
}

/** /api/v1 or /apis/<group>/<version>: the APIResourceList, or undefined if nothing is served there. */
export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const defs = RESOURCES.filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources = defs.flatMap((d) => [
    {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    },
    ...(d.subresources ?? []).map((s) => ({
      name: `${d.resource}/${s.name}`,
      singularName: '',
      namespaced: d.namespaced,
      ...(s.group !== undefined ? { group: s.group } : {}),
      ...(s.version !== undefined ? { version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}
