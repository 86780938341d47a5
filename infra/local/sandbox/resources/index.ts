// The resource registry: every type the sandbox serves, and lookups by URL segment or by name.
// To add a type, define a ResourceDef next to its group and list it here.
import type { ResourceDef } from '../types.js';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from './apps.js';
import { events, namespaces, pods } from './core.js';
import { applications, helmreleases, kustomizations } from './gitops.js';
import { poddisruptionbudgets } from './policy.js';

export const RESOURCES: ResourceDef[] = [
  namespaces,
  pods,
  events,
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
  poddisruptionbudgets,
  applications,
  kustomizations,
  helmreleases,
];

/** `v1` or `apps/v1`. */
export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The definition served at /api/v1/<resource> (group '') or /apis/<group>/<version>/<resource>. */
export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((d) => d.group === group && d.version === version && d.resource === resource);
}

/** Resolves `pods`, `pod`, `Pod`, `po` or `deployments.apps` to a definition (case-insensitive). */
export function resolveResource(name: string): ResourceDef | undefined {
  const [first, ...rest] = name.toLowerCase().split('.');
  const group = rest.join('.');
  return RESOURCES.find(
    (d) =>
      (rest.length === 0 || d.group === group) &&
      [d.resource, d.singular, d.kind.toLowerCase(), ...(d.shortNames ?? [])].includes(first ?? ''),
  );
}

/** Like resolveResource, but throws for an unknown name (a programming error in a test or controller). */
export function mustResolve(name: string): ResourceDef {
  const def = resolveResource(name);
  if (!def) throw new Error(`sandbox: unknown resource ${JSON.stringify(name)}`);
  return def;
}

/** The API groups other than core, each with its versions, for /apis. */
export function apiGroups(): Array<{ name: string; versions: string[] }> {
  const groups = new Map<string, Set<string>>();
  for (const d of RESOURCES) {
    if (!d.group) continue;
    const versions = groups.get(d.group) ?? new Set<string>();
    versions.add(d.version);
    groups.set(d.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
}
