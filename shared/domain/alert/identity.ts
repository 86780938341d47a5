import { createHash } from 'node:crypto';
import type { Alert } from './schema.js';

/**
 * One alert episode: the same alert (fingerprint) since the same start. Repeats, group changes, HA replicas and
 * redeliveries all share it; a new firing after a resolve starts a new one.
 */
export const episodeKey = (alert: Pick<Alert, 'fingerprint' | 'startsAt'>): string =>
  `${alert.fingerprint}#${new Date(alert.startsAt).toISOString()}`;

/**
 * A stable identity for an Alertmanager alert group (template data has no groupKey): receiver plus the group
 * labels, sorted. Every notification of the group, firing or resolved, repeat or change, maps to the same key.
 */
export const groupKey = (n: { receiver: string; groupLabels: Record<string, string> }): string => {
  const labels = Object.entries(n.groupLabels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return createHash('sha256').update(`${n.receiver}\n{${labels}}`).digest('hex').slice(0, 16);
};
