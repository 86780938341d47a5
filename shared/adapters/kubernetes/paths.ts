import type { LabelSelector } from '#domain/actions/rollback/objects.js';
import type { WorkloadKind } from '#domain/cluster/port.js';
import { KubernetesError } from '#domain/errors.js';

const seg = encodeURIComponent;

/** `/api/v1/namespaces/{ns}/pods[/{name}]`: the core group. */
export const corePath = (namespace: string, resource: string, name?: string): string =>
  `/api/v1/namespaces/${seg(namespace)}/${resource}${name === undefined ? '' : `/${seg(name)}`}`;

/** `/apis/{group}/v1/namespaces/{ns}/{resource}[/{name}]`: apps, policy. */
export const groupPath = (group: 'apps' | 'policy', namespace: string, resource: string, name?: string) =>
  `/apis/${group}/v1/namespaces/${seg(namespace)}/${resource}${name === undefined ? '' : `/${seg(name)}`}`;

export const WORKLOAD_RESOURCE: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

const invalidSelector = (why: string) =>
  new KubernetesError(`invalid label selector: ${why}`, { retryable: false });

type Expression = NonNullable<LabelSelector['matchExpressions']>[number];

const formatExpression = (e: Expression): string => {
  const values = e.values ?? [];
  const set = () => {
    if (values.length === 0) throw invalidSelector(`${e.operator} on "${e.key}" needs values`);
    return `(${[...values].sort().join(',')})`;
  };
  const none = () => {
    if (values.length > 0) throw invalidSelector(`${e.operator} on "${e.key}" takes no values`);
  };
  switch (e.operator) {
    case 'In':
      return `${e.key} in ${set()}`;
    case 'NotIn':
      return `${e.key} notin ${set()}`;
    case 'Exists':
      none();
      return e.key;
    case 'DoesNotExist':
      none();
      return `!${e.key}`;
    default:
      throw invalidSelector(`unknown operator ${JSON.stringify(e.operator)} on "${e.key}"`);
  }
};

/**
 * A `metav1.LabelSelector` in the `labelSelector` query syntax (`app=web,tier in (a,b),!canary`), as
 * `LabelSelectorAsSelector(...).String()` writes it, sorted by key. An empty selector is "" (everything).
 */
export const formatLabelSelector = (selector: LabelSelector): string => {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, text: `${key}=${value}` })),
    ...(selector.matchExpressions ?? []).map((e) => ({ key: e.key, text: formatExpression(e) })),
  ];
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',');
};

/** `?labelSelector=…` for a list call, or "" when the selector selects everything. */
export const selectorQuery = (selector: LabelSelector): string => {
  const text = formatLabelSelector(selector);
  return text === '' ? '' : `?labelSelector=${encodeURIComponent(text)}`;
};
