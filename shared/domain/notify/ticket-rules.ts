import type { AuditRecord, Outcome } from '../audit.js';
import type { TicketWhen } from './schema.js';

/** Skip codes that say "this episode is still firing" without a new decision: a repeat of the alert. */
const REPEAT_CODES = new Set(['duplicate', 'cooldown']);

/**
 * Whether this decision opens the episode's ticket (when it has none yet):
 * - `always`: any decision about a matched policy's target (acted, would-act, failed, skipped);
 * - `onFailure`: the action failed;
 * - `onNotRecovered`: remedy acted, and the same episode fires again (a repeat) or the next action failed.
 * A resolved or rejected record never opens one.
 */
export const opensTicket = (
  r: AuditRecord,
  when: readonly TicketWhen[],
  previous: Outcome | undefined,
): boolean => {
  if (r.outcome === 'resolved' || r.outcome === 'rejected') return false;
  if (when.includes('always')) return true;
  if (when.includes('onFailure') && r.outcome === 'failed') return true;
  const acted = previous === 'acted' || previous === 'would-act';
  const repeat = r.outcome === 'failed' || (r.outcome === 'skipped' && REPEAT_CODES.has(r.code));
  return when.includes('onNotRecovered') && acted && repeat;
};

/** The note a repeat adds to an existing ticket. */
export const repeatNote = (r: AuditRecord): string | undefined =>
  r.outcome === 'skipped' && REPEAT_CODES.has(r.code)
    ? 'The alert is still firing (Alertmanager repeated it); remedy did not act again.'
    : r.outcome === 'resolved'
      ? 'The alert resolved.'
      : undefined;

/** The description's opening words: why this decision opened the ticket. */
export const ticketLead = (r: AuditRecord): string =>
  r.outcome === 'failed'
    ? 'remedy needs a human, the action failed: '
    : r.outcome === 'skipped' && REPEAT_CODES.has(r.code)
      ? 'Not recovered: the alert still fires after remedy acted. Latest decision: '
      : 'remedy opened this ticket as the policy asks: ';
