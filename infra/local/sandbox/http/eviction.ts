// POST /api/v1/namespaces/{ns}/pods/{name}/eviction: the policy/v1 Eviction subresource, with the
// apiserver's rules (pkg/registry/core/pod/storage/eviction.go): terminal/pending pods are deleted at once,
// otherwise the pod's single PodDisruptionBudget must allow a disruption, which the eviction consumes.
import { allowedCondition, budgetSelects } from '../controllers/disruption.js';
import { isDeleting, isPodReady } from '../controllers/util.js';
import {
  ApiError,
  badRequest,
  forbidden,
  methodNotAllowed,
  notFound,
  statusObject,
  tooManyRequests,
} from '../errors.js';
import type { SandboxStore } from '../store.js';
import type { HandlerResult, K8sObject, SubresourceContext } from '../types.js';
import { isObject, timestamp } from '../util.js';
import { isDryRun } from './request.js';

const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

interface EvictionOptions {
  uid?: string;
  resourceVersion?: string;
  gracePeriodSeconds?: number;
  dryRun: boolean;
}

/** Decodes the Eviction body and its deleteOptions; 400 for a wrong kind, name or namespace. */
function parseEviction(ctx: SubresourceContext): EvictionOptions {
  const body = ctx.body;
  if (!isObject(body)) throw badRequest('the object provided is unrecognized (must be a JSON object)');
  if (body.apiVersion !== undefined && !EVICTION_VERSIONS.includes(String(body.apiVersion))) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) is not policy/v1 or policy/v1beta1`,
    );
  }
  if (body.kind !== undefined && body.kind !== 'Eviction') {
    throw badRequest(`not a Eviction object: ${String(body.kind)}`);
  }
  const meta = isObject(body.metadata) ? body.metadata : {};
  if (meta.name !== ctx.name) throw badRequest('name in URL does not match name in Eviction object');
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== ctx.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const del = isObject(body.deleteOptions) ? body.deleteOptions : {};
  const pre = isObject(del.preconditions) ? del.preconditions : {};
  const bodyDryRun = Array.isArray(del.dryRun) && del.dryRun.length > 0;
  return {
    ...(typeof pre.uid === 'string' && pre.uid !== '' ? { uid: pre.uid } : {}),
    ...(typeof pre.resourceVersion === 'string' && pre.resourceVersion !== ''
      ? { resourceVersion: pre.resourceVersion }
      : {}),
    ...(typeof del.gracePeriodSeconds === 'number'
      ? { gracePeriodSeconds: Math.max(0, del.gracePeriodSeconds) }
      : {}),
    dryRun: bodyDryRun || isDryRun(ctx.query),
  };
}

// Note the resource in these messages is "Pod", not "pods": the apiserver builds them that way.
function preconditionConflict(pod: K8sObject, what: string, expected: string, actual: string, hint: string) {
  const name = pod.metadata.name ?? '';
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on Pod "${name}": the ${what} in the precondition (${expected}) does not match the ${what} in record (${actual}). ${hint}`,
    { name, group: '', kind: 'Pod' },
  );
}

/** addConditionAndDeletePod: preconditions, the DisruptionTarget condition, then the delete. */
function deletePod(store: SandboxStore, pod: K8sObject, opts: EvictionOptions): void {
  const { uid, resourceVersion } = pod.metadata;
  if (opts.uid !== undefined && opts.uid !== uid) {
    throw preconditionConflict(
      pod,
      'UID',
      opts.uid,
      uid ?? '',
      'The object might have been deleted and then recreated',
    );
  }
  if (opts.resourceVersion !== undefined && opts.resourceVersion !== resourceVersion) {
    throw preconditionConflict(
      pod,
      'ResourceVersion',
      opts.resourceVersion,
      resourceVersion ?? '',
      'The object might have been modified',
    );
  }
  if (opts.dryRun) return;
  const conditions: Array<{ type: string }> = pod.status?.conditions ?? [];
  const target = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: timestamp(),
    reason: 'EvictionByEvictionAPI',
    message: 'Eviction API: evicting',
  };
  const marked = store.update('pods', {
    ...pod,
    status: { ...pod.status, conditions: [...conditions.filter((c) => c.type !== target.type), target] },
  });
  store.delete('pods', marked.metadata.namespace, marked.metadata.name as string, {
    ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
  });
}

/** checkAndDecrement: 429 when the budget is stale or spent, else records the disruption in its status. */
function checkAndDecrement(store: SandboxStore, pdb: K8sObject, podName: string, dryRun: boolean): void {
  const name = pdb.metadata.name ?? '';
  const status = pdb.status ?? {};
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw tooManyRequests(REFUSED, 10, [
      {
        reason: 'DisruptionBudget',
        message: `The disruption budget ${name} is still being processed by the server.`,
      },
    ]);
  }
  const allowed: number = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw forbidden('poddisruptionbudget.policy', name, 'pdb disruptions allowed is negative');
  if (allowed === 0) {
    throw tooManyRequests(REFUSED, 0, [
      {
        reason: 'DisruptionBudget',
        message: `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
      },
    ]);
  }
  if (dryRun) return;
  // The disruptedPods entry tells the disruption controller to stop counting the pod as healthy.
  const next = {
    ...status,
    disruptionsAllowed: allowed - 1,
    disruptedPods: { ...status.disruptedPods, [podName]: timestamp() },
  };
  if (next.disruptionsAllowed === 0) next.conditions = allowedCondition(next);
  store.update('poddisruptionbudgets', { ...pdb, status: next });
}

/** The pods/eviction handler. Success is 201 with a Success Status, like the generic create handler. */
export function evictPod(ctx: SubresourceContext): HandlerResult {
  if (ctx.method !== 'POST') throw methodNotAllowed();
  const opts = parseEviction(ctx);
  const pod = ctx.store.get('pods', ctx.namespace, ctx.name);
  if (!pod) throw notFound(ctx.def, ctx.name);
  const success = { status: 201, body: statusObject('Success', 201, '', '') };

  // canIgnorePDB: a pod that is Pending, finished or already being deleted has no budget to respect.
  const phase = pod.status?.phase;
  if (phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed' || isDeleting(pod)) {
    deletePod(ctx.store, pod, opts);
    return success;
  }
  const budgets = ctx.store.list('poddisruptionbudgets', ctx.namespace).filter((b) => budgetSelects(b, pod));
  if (budgets.length > 1) {
    // Returned as a Status object (no reason), not raised as an error, by the real handler.
    const message =
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
    return { status: 500, body: statusObject('Failure', 500, '', message) };
  }
  const [pdb] = budgets;
  if (pdb) {
    const { currentHealthy = 0, desiredHealthy = 0 } = pdb.status ?? {};
    // An unready pod does not count as healthy, so deleting it uses no disruption when the budget is met
    // (or always, with unhealthyPodEvictionPolicy: AlwaysAllow).
    const unreadyFree =
      !isPodReady(pod) &&
      (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' ||
        (currentHealthy >= desiredHealthy && desiredHealthy > 0));
    // As in the apiserver, the budget is consumed before the delete's preconditions are checked: a 409
    // for a stale uid still leaves the pod in disruptedPods until DeletionTimeout.
    if (!unreadyFree) checkAndDecrement(ctx.store, pdb, ctx.name, opts.dryRun);
  }
  deletePod(ctx.store, ctx.store.get('pods', ctx.namespace, ctx.name) ?? pod, opts);
  return success;
}
