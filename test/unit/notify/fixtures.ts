import type { AuditRecord } from '#domain/audit.js';
import { notifySchema } from '#domain/notify/schema.js';

/** A decision as the use case records it: fixed time, target, plan, alert facts, the policy's notify settings. */
export const acted: AuditRecord = {
  at: '2026-11-25T10:00:07.000Z',
  outcome: 'acted',
  code: 'deletePod',
  reason: 'deleted pod demo/web-7d4b9c-x2x9k (uid 1f0c…); its ReplicaSet starts a replacement',
  alertname: 'KubePodCrashLooping',
  fingerprint: '3f2a9c',
  startsAt: '2026-11-25T10:00:00.000Z',
  episode: '3f2a9c#2026-11-25T10:00:00.000Z',
  policy: 'restart-crashlooping-pod',
  target: { cluster: 'prod', namespace: 'demo', kind: 'Pod', name: 'web-7d4b9c-x2x9k' },
  plan: {
    action: 'deletePod',
    target: { cluster: 'prod', namespace: 'demo', kind: 'Pod', name: 'web-7d4b9c-x2x9k' },
    gracePeriodSeconds: 30,
    respectPodDisruptionBudget: false,
  },
  mode: 'enforce',
  group: '9c1e0d2b7a6f5e4d',
  messageId: 'm-1',
  alert: {
    labels: {
      alertname: 'KubePodCrashLooping',
      severity: 'warning',
      namespace: 'demo',
      pod: 'web-7d4b9c-x2x9k',
      team: 'web',
    },
    annotations: {
      summary: 'Pod demo/web-7d4b9c-x2x9k is crash looping.',
      runbook_url: 'https://runbooks.example/KubePodCrashLooping',
    },
    generatorURL: 'https://prometheus.example/graph?g0.expr=up&g0.tab=1',
  },
  notify: notifySchema.parse({
    slack: {
      channel: '#team-web',
      template: {
        title: '{{alertname}} on {{labels.namespace}}/{{labels.pod}}',
        fields: [{ label: 'Team', value: '{{labels.team}}' }],
        mentions: ['<!subteam^S0ONCALL>'],
      },
    },
    ticket: { jira: { project: 'OPS', issueType: 'Incident' }, when: 'onFailure' },
  }),
};

export const failed: AuditRecord = {
  ...acted,
  at: '2026-11-25T10:00:09.000Z',
  outcome: 'failed',
  code: 'KUBERNETES_ERROR',
  reason:
    'delete pod demo/web-7d4b9c-x2x9k in cluster prod (grace period 30s) failed: Kubernetes API answered 403 Forbidden',
};

export const wouldAct: AuditRecord = {
  ...acted,
  outcome: 'would-act',
  mode: 'dry-run',
  reason:
    'would delete pod demo/web-7d4b9c-x2x9k in cluster prod (grace period 30s) (policy restart-crashlooping-pod)',
};

export const resolved: AuditRecord = {
  ...acted,
  at: '2026-11-25T10:06:00.000Z',
  outcome: 'resolved',
  code: 'resolved',
  reason: 'KubePodCrashLooping resolved after 360s firing; nothing to do',
  details: { firedSeconds: 360 },
};
delete resolved.plan;
delete resolved.target;
delete resolved.policy;
delete resolved.notify;
