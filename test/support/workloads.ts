import { remediateNotification, type Summary } from '#app/remediate-notification.js';
import type { AuditRecord } from '#domain/audit.js';
import type { K8sObject, RequestLogEntry } from '../../infra/local/sandbox/index.js';
import { notification, type RemedyHarness } from './remedy.js';

/** Helpers for tests of the workload actions against the sandbox behind a RemedyHarness. */

export const REVISION = 'deployment.kubernetes.io/revision';

/** A fresh hex fingerprint, so every alert is a new episode. */
export const fingerprint = (): string => crypto.randomUUID().replaceAll('-', '');

/** Publishes one firing alert with these labels through the real use case; returns the summary and its record. */
export const fire = async (
  h: RemedyHarness,
  labels: Record<string, string>,
  deps = h.deps,
): Promise<{ summary: Summary; record: AuditRecord | undefined }> => {
  const before = h.notifier.records.length;
  const message = notification([{ labels: { severity: 'warning', ...labels }, fingerprint: fingerprint() }]);
  const summary = await remediateNotification(
    { MessageId: crypto.randomUUID(), Message: JSON.stringify(message), MessageAttributes: {} },
    deps,
    { requestId: crypto.randomUUID() },
  );
  const records = h.notifier.records.slice(before);
  return { summary, record: records.at(-1) };
};

export const ensureNamespace = (h: RemedyHarness, name: string): void => {
  if (!h.sandbox.store.get('namespaces', undefined, name)) {
    h.sandbox.store.create('namespaces', { metadata: { name } });
  }
};

/** Creates Deployment `name` (app=name, one container `app`) in the store; the controllers start its pods. */
export const deploy = (h: RemedyHarness, namespace: string, name: string, image: string, replicas = 2) => {
  ensureNamespace(h, namespace);
  h.sandbox.store.create('deployments', {
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  });
};

export const getObject = (h: RemedyHarness, resource: string, namespace: string, name: string): K8sObject => {
  const found = h.sandbox.store.get(resource, namespace, name);
  if (!found) throw new Error(`sandbox has no ${resource} ${namespace}/${name}`);
  return found;
};

/** Changes the workload's first container image, as `kubectl set image` does: a new revision rolls out. */
export const setImage = (
  h: RemedyHarness,
  resource: string,
  namespace: string,
  name: string,
  image: string,
) => {
  const obj = getObject(h, resource, namespace, name);
  obj.spec.template.spec.containers[0].image = image;
  h.sandbox.store.update(resource, obj);
};

/** Merges `spec` fields into a stored object's spec (pause, scale…). */
export const updateSpec = (
  h: RemedyHarness,
  resource: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
) => {
  const obj = getObject(h, resource, namespace, name);
  h.sandbox.store.update(resource, { ...obj, spec: { ...obj.spec, ...spec } });
};

export const imageOf = (obj: K8sObject): string => obj.spec.template.spec.containers[0].image;

/** Pods of `app` in the namespace, by name. */
export const podsOf = (h: RemedyHarness, namespace: string, app: string): K8sObject[] =>
  h.sandbox.store.list('pods', namespace).filter((p) => p.metadata.labels?.app === app);

/** The requests the sandbox received with this method whose path contains `fragment`. */
export const requestsTo = (h: RemedyHarness, method: string, fragment: string): RequestLogEntry[] =>
  h.sandbox.requests.filter((r) => r.method === method && r.path.includes(fragment));
