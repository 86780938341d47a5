import type { Target } from '../../target/target.js';
import type { AlertContext } from './port.js';

/** The version of the document user code receives; bumped only for incompatible changes. */
export const USER_ACTION_PAYLOAD_VERSION = 1;

/** The identifiers of one decision, derived from the alert episode (see the executor). */
export interface DecisionIds {
  /** Stable for the alert episode and policy: the same value after any retry; also in the audit record. */
  decisionId: string;
  /** UUID-shaped, for the user's own deduplication (and SSM's ClientToken). */
  idempotencyToken: string;
}

/**
 * The alert context a state machine or function receives. No timestamps of remedy's own: a retry must send
 * exactly the same input, or Step Functions would refuse the execution name as taken.
 */
export const userActionPayload = (alert: AlertContext, target: Target, ids: DecisionIds) => ({
  source: 'remedy',
  version: USER_ACTION_PAYLOAD_VERSION,
  decisionId: ids.decisionId,
  idempotencyToken: ids.idempotencyToken,
  policy: alert.policy,
  alertname: alert.alertname,
  fingerprint: alert.fingerprint,
  startsAt: alert.startsAt,
  target,
  labels: alert.labels,
  annotations: alert.annotations,
  generatorURL: alert.generatorURL,
});
