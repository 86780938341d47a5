import type { GitOpsObject, GitOpsRef } from '#domain/cluster/port.js';
import { statusError } from './http.js';
import type { Api } from './pods.js';

const seg = encodeURIComponent;

/** `/apis/{group}/{version}/namespaces/{ns}/{resource}/{name}` for Argo CD and Flux custom resources. */
export const gitopsPath = (ref: GitOpsRef): string =>
  `/apis/${seg(ref.group)}/${seg(ref.version)}/namespaces/${seg(ref.namespace)}/${seg(ref.resource)}/${seg(ref.name)}`;

/** GETs the object; undefined on 404, which is also what a cluster without the CRD answers. */
export const getGitOpsObject = async (
  api: Api,
  ref: GitOpsRef,
  signal?: AbortSignal,
): Promise<GitOpsObject | undefined> => {
  const path = gitopsPath(ref);
  const res = await api.http.call('GET', path, { signal });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw statusError('GET', path, res, api.cluster);
  return res.body as GitOpsObject;
};

/** Custom resources take no strategic merge patch: a JSON merge patch, where null removes a field. */
export const patchGitOpsObject = async (
  api: Api,
  ref: GitOpsRef,
  patch: unknown,
  signal?: AbortSignal,
): Promise<'patched' | 'gone'> => {
  const path = gitopsPath(ref);
  const res = await api.http.call('PATCH', path, {
    body: patch,
    contentType: 'application/merge-patch+json',
    signal,
  });
  if (res.status === 200) return 'patched';
  if (res.status === 404) return 'gone';
  throw statusError('PATCH', path, res, api.cluster);
};
