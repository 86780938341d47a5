import type {
  ControllerRevision,
  Deployment,
  LabelSelector,
  ReplicaSet,
  RevisionedWorkload,
} from '#domain/actions/rollback/objects.js';
import type { WorkloadKind, WorkloadPatch } from '#domain/cluster/port.js';
import { statusError } from './http.js';
import { groupPath, selectorQuery, WORKLOAD_RESOURCE } from './paths.js';
import type { Api } from './pods.js';

/** GETs one apps/v1 object; undefined when it does not exist. */
const getApps = async <T>(api: Api, resource: string, ns: string, name: string, signal?: AbortSignal) => {
  const path = groupPath('apps', ns, resource, name);
  const res = await api.http.call('GET', path, { signal });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw statusError('GET', path, res, api.cluster);
  return res.body as T;
};

/** Lists apps/v1 objects by label selector; a missing selector selects nothing (LabelSelectorAsSelector(nil)). */
const listApps = async <T>(
  api: Api,
  resource: string,
  ns: string,
  selector: LabelSelector | undefined,
  signal?: AbortSignal,
): Promise<T[]> => {
  if (selector === undefined) return [];
  const path = `${groupPath('apps', ns, resource)}${selectorQuery(selector)}`;
  const res = await api.http.call('GET', path, { signal });
  if (res.status !== 200) throw statusError('GET', path, res, api.cluster);
  return (res.body as { items?: T[] }).items ?? [];
};

export const getReplicaSet = (api: Api, ns: string, name: string, signal?: AbortSignal) =>
  getApps<ReplicaSet>(api, 'replicasets', ns, name, signal);

export const listReplicaSets = (api: Api, ns: string, selector?: LabelSelector, signal?: AbortSignal) =>
  listApps<ReplicaSet>(api, 'replicasets', ns, selector, signal);

export const getDeployment = (api: Api, ns: string, name: string, signal?: AbortSignal) =>
  getApps<Deployment>(api, WORKLOAD_RESOURCE.Deployment, ns, name, signal);

export const getRevisionedWorkload = (
  api: Api,
  kind: 'StatefulSet' | 'DaemonSet',
  ns: string,
  name: string,
  signal?: AbortSignal,
) => getApps<RevisionedWorkload>(api, WORKLOAD_RESOURCE[kind], ns, name, signal);

export const listControllerRevisions = (
  api: Api,
  ns: string,
  selector?: LabelSelector,
  signal?: AbortSignal,
) => listApps<ControllerRevision>(api, 'controllerrevisions', ns, selector, signal);

export const patchWorkload = async (
  api: Api,
  kind: WorkloadKind,
  ns: string,
  name: string,
  patch: WorkloadPatch,
  signal?: AbortSignal,
): Promise<'patched' | 'gone'> => {
  const path = groupPath('apps', ns, WORKLOAD_RESOURCE[kind], name);
  const res = await api.http.call('PATCH', path, {
    body: patch.body,
    contentType: patch.contentType,
    signal,
  });
  if (res.status === 200) return 'patched';
  if (res.status === 404) return 'gone';
  throw statusError('PATCH', path, res, api.cluster);
};
