/** An Alertmanager 0.25 webhook post (version 4), as `webhook_configs` sends it. */
export const webhookBody = (
  overrides: Record<string, unknown> = {},
  alertCount = 1,
): Record<string, unknown> => ({
  receiver: 'remedy',
  status: 'firing',
  alerts: Array.from({ length: alertCount }, (_, i) => ({
    status: 'firing',
    labels: { alertname: 'KubePodCrashLooping', namespace: 'demo', pod: `web-${i}`, severity: 'warning' },
    annotations: { summary: 'Pod is crash looping.' },
    startsAt: '2026-11-25T10:00:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    fingerprint: (0xabc0 + i).toString(16),
  })),
  groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'demo' },
  commonLabels: { alertname: 'KubePodCrashLooping', namespace: 'demo', severity: 'warning' },
  commonAnnotations: { summary: 'Pod is crash looping.' },
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}:{alertname="KubePodCrashLooping", namespace="demo"}',
  truncatedAlerts: 0,
  ...overrides,
});
