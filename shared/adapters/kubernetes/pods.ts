import type { PodDisruptionBudget } from '#domain/actions/disruption/budget-check.js';
import type { ObjectMeta } from '#domain/actions/rollback/objects.js';
import type { EvictionResult, PodInfo } from '#domain/cluster/port.js';
import { type KubeHttp, type KubeResponse, statusError } from './http.js';
import { corePath, groupPath } from './paths.js';

/** The client and the logical cluster name its errors carry. */
export interface Api {
  http: KubeHttp;
  cluster: string;
}

interface PodObject {
  metadata?: ObjectMeta;
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> };
}

interface StatusBody {
  message?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

/** The apiserver's words when several budgets select a pod (pkg/registry/core/pod/storage/eviction.go). */
const MULTIPLE_BUDGETS = 'more than one PodDisruptionBudget';
/** The cause type the eviction API gives a refusal by a budget, as opposed to plain rate limiting. */
const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';

export const getPod = async (api: Api, ns: string, name: string, signal?: AbortSignal) => {
  const path = corePath(ns, 'pods', name);
  const res = await api.http.call('GET', path, { signal });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw statusError('GET', path, res, api.cluster);
  const pod = res.body as PodObject;
  const metadata = pod.metadata ?? { name, uid: '' };
  const owner = metadata.ownerReferences?.find((o) => o.controller);
  const info: PodInfo = {
    uid: metadata.uid ?? '',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    metadata,
    ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
    ...(owner?.kind ? { ownerKind: owner.kind } : {}),
    ...(owner?.name ? { ownerName: owner.name } : {}),
  };
  return info;
};

export const deletePod = async (
  api: Api,
  ns: string,
  name: string,
  uid: string,
  gracePeriodSeconds: number,
  signal?: AbortSignal,
): Promise<'deleted' | 'gone' | 'replaced'> => {
  const path = corePath(ns, 'pods', name);
  // The uid precondition makes the API refuse (409) if a new pod took this name since we looked.
  const body = {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds,
    propagationPolicy: 'Background',
    preconditions: { uid },
  };
  const res = await api.http.call('DELETE', path, { body, signal });
  if (res.status === 200 || res.status === 202) return 'deleted';
  if (res.status === 404) return 'gone';
  if (res.status === 409) return 'replaced';
  throw statusError('DELETE', path, res, api.cluster);
};

const budgetCauses = (res: KubeResponse): string[] =>
  ((res.body as StatusBody | undefined)?.details?.causes ?? [])
    .filter((c) => c.reason === DISRUPTION_BUDGET_CAUSE)
    .map((c) => c.message ?? '');

/** POSTs a policy/v1 Eviction and reads the answer the way the eviction API means it. */
export const evictPod = async (
  api: Api,
  ns: string,
  name: string,
  uid: string,
  gracePeriodSeconds: number | undefined,
  signal?: AbortSignal,
): Promise<EvictionResult> => {
  const path = `${corePath(ns, 'pods', name)}/eviction`;
  const body = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace: ns },
    deleteOptions: {
      preconditions: { uid },
      ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
    },
  };
  // A 429 here is a budget's answer, not throttling: never retry past a PodDisruptionBudget.
  const res = await api.http.call('POST', path, { body, signal, retryTooManyRequests: false });
  const message = (res.body as StatusBody | undefined)?.message ?? '';
  // The docs say 200; the generic create handler answers 201. Either is success.
  if (res.status >= 200 && res.status < 300) return { result: 'evicted' };
  if (res.status === 404) return { result: 'gone' };
  if (res.status === 409) return { result: 'replaced' };
  // A 429 without a budget cause is the API's own rate limiting: an ordinary retryable error.
  const causes = budgetCauses(res);
  if (res.status === 429 && causes.length > 0) return { result: 'blocked', message, causes };
  if (res.status === 500 && message.includes(MULTIPLE_BUDGETS))
    return { result: 'multiple-budgets', message };
  throw statusError('POST', path, res, api.cluster);
};

export const listPodDisruptionBudgets = async (
  api: Api,
  ns: string,
  signal?: AbortSignal,
): Promise<PodDisruptionBudget[]> => {
  const path = groupPath('policy', ns, 'poddisruptionbudgets');
  const res = await api.http.call('GET', path, { signal });
  if (res.status !== 200) throw statusError('GET', path, res, api.cluster);
  return (res.body as { items?: PodDisruptionBudget[] }).items ?? [];
};
