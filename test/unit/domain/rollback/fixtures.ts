import type { Deployment, PodTemplate, ReplicaSet } from '#domain/actions/rollback/objects.js';

/** Builders for the objects the rollback functions read, shaped like the API server's JSON. */
export const DEPLOYMENT_UID = 'd0000000-0000-4000-8000-00000000000d';

export const podTemplate = (image: string, labels: Record<string, string> = {}): PodTemplate => ({
  metadata: { labels: { app: 'web', ...labels } },
  spec: { containers: [{ name: 'app', image }] },
});

export const deployment = (
  opts: { image?: string; paused?: boolean; annotations?: Record<string, string> } = {},
): Deployment => ({
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: DEPLOYMENT_UID,
    annotations: opts.annotations ?? { 'deployment.kubernetes.io/revision': '3' },
  },
  spec: {
    ...(opts.paused === undefined ? {} : { paused: opts.paused }),
    selector: { matchLabels: { app: 'web' } },
    template: podTemplate(opts.image ?? 'shop/web:v3'),
  },
});

export interface RsOptions {
  /** The revision annotation's text; undefined leaves the annotation out. */
  revision: string | undefined;
  image?: string;
  ownerUid?: string;
  controller?: boolean;
  created?: string;
  annotations?: Record<string, string>;
}

export const replicaSet = (name: string, opts: RsOptions): ReplicaSet => ({
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    creationTimestamp: opts.created ?? '2026-01-02T00:00:00Z',
    annotations: {
      ...(opts.revision === undefined ? {} : { 'deployment.kubernetes.io/revision': opts.revision }),
      ...opts.annotations,
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: opts.ownerUid ?? DEPLOYMENT_UID,
        controller: opts.controller ?? true,
      },
    ],
  },
  spec: { template: podTemplate(opts.image ?? `shop/web:${name}`, { 'pod-template-hash': `hash-${name}` }) },
});
