import type { Alert } from './schema.js';

/**
 * One alert episode: the same alert (fingerprint) since the same start. Repeats, group changes, HA replicas and
 * redeliveries all share it; a new firing after a resolve starts a new one.
 */
export const episodeKey = (alert: Pick<Alert, 'fingerprint' | 'startsAt'>): string =>
  `${alert.fingerprint}#${new Date(alert.startsAt).toISOString()}`;
