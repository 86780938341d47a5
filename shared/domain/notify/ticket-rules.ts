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
  // The followup's verdicts: only "not recovered" asks for a human; recovered/inconclusive just comment.
  if (r.outcome === 'recovered' || r.outcome === 'inconclusive') return false;
  if (r.outcome === 'not-recovered') return when.includes('onNotRecovered') || when.includes('always');
  if (when.includes('always')) return true;
  if (when.includes('onFailure') && r.outcome === 'failed') return true;
  const acted = previous === 'acted' || previous === 'would-act';
  const repeat = r.outcome === 'failed' || (r.outcome === 'skipped' && REPEAT_CODES.has(r.code));
  return when.includes('onNotRecovered') && acted && repeat;
};

/** What a verification adds to the episode's ticket. */
const VERIFY_NOTE: Partial<Record<AuditRecord['outcome'], string>> = {
  recovered: 'Verified after the action: recovered.',
  'not-recovered': 'Verified after the action: NOT recovered. A human needs to look.',
  inconclusive: 'Verified after the action: inconclusive (remedy could not tell).',
};

/** The note a repeat adds to an existing ticket. */
export const repeatNote = (r: AuditRecord): string | undefined =>
  r.outcome === 'skipped' && REPEAT_CODES.has(r.code)
    ? 'The alert is still firing (Alertmanager repeated it); remedy did not act again.'
    : r.outcome === 'resolved'
      ? 'The alert resolved.'
      : VERIFY_NOTE[r.outcome];

/** The description's opening words: why this decision opened the ticket. */
export const ticketLead = (r: AuditRecord): string =>
  r.outcome === 'failed'
    ? 'remedy needs a human, the action failed: '
    : r.outcome === 'not-recovered'
      ? 'Not recovered: remedy acted, and the check after the action says it did not help. '
      : r.code === 'quarantined'
        ? 'remedy paused this policy (quarantine): its actions keep not helping. '
        : r.outcome === 'skipped' && REPEAT_CODES.has(r.code)
          ? 'Not recovered: the alert still fires after remedy acted. Latest decision: '
          : 'remedy opened this ticket as the policy asks: ';
