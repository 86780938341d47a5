import type { AuditRecord } from '#domain/audit.js';
import { type TicketLinks, ticketComment, ticketDescription, ticketSummary } from '#domain/notify/adf.js';
import type { NotifyState, TicketState, Tickets } from '#domain/notify/ports.js';
import { opensTicket, repeatNote, ticketLead } from '#domain/notify/ticket-rules.js';
import { SinkError } from './bounded-http.js';
import { waitFor } from './keyed-mutex.js';

/** Another invocation creating the same ticket gets this long to store its key before we give up. */
export const TICKET_WAIT_MS = 5_000;
const TICKET_POLL_MS = 250;

export interface TicketResult {
  key: string;
  url: string;
  created: boolean;
}

/**
 * One ticket per alert episode, opened when the policy says (`always`, `onFailure`, `onNotRecovered`). Its key
 * lives in the state table (Jira's search is eventually consistent, so it never decides alone); later decisions
 * of the episode comment on it, and a resolve may transition it.
 */
export class TicketFlow {
  constructor(
    private readonly o: {
      tickets: Tickets;
      state: NotifyState;
      clock: () => Date;
      sleep: (ms: number) => Promise<void>;
    },
  ) {}

  async handle(r: AuditRecord, links: TicketLinks): Promise<TicketResult | undefined> {
    // A record of a policy carries its notify settings: no ticket settings, no ticket (and no read).
    if (!r.episode || (r.policy && !r.notify?.ticket)) return undefined;
    const episode = r.episode;
    const previous = await this.o.state.getTicket(episode);
    const settings = r.notify?.ticket ?? previous?.settings;
    if (!settings) return undefined;
    if (previous?.key !== undefined) return this.follow(r, await this.ready(episode, previous), settings);
    if (!opensTicket(r, settings.when, previous?.lastOutcome)) {
      const remembers = r.outcome === 'acted' || r.outcome === 'would-act' || r.outcome === 'failed';
      if (remembers && settings.when.includes('onNotRecovered'))
        await this.o.state.noteOutcome(episode, r.outcome, settings, this.o.clock());
      return undefined;
    }
    const other = await this.o.state.claimTicket(episode, settings, this.o.clock());
    if (other) return this.follow(r, await this.ready(episode, other), settings);
    try {
      const { jira } = settings;
      const ticket = await this.o.tickets.create({
        project: jira.project,
        issueType: jira.issueType,
        summary: ticketSummary(r),
        labels: ['remedy', `am-fp-${r.fingerprint ?? 'none'}`, ...jira.labels],
        description: ticketDescription(r, links, ticketLead(r)),
      });
      await this.o.state.setTicket(episode, ticket);
      await this.o.state.noteOutcome(episode, r.outcome, settings, this.o.clock());
      return { ...ticket, created: true };
    } catch (error) {
      await this.o.state.releaseTicket(episode);
      throw error;
    }
  }

  /** A later decision on an episode that has a ticket: a comment, and on resolve the optional transition. */
  private async follow(
    r: AuditRecord,
    t: TicketState,
    settings: NonNullable<AuditRecord['notify']>['ticket'],
  ) {
    if (!t.key) throw new SinkError('jira: the ticket is still being created by another invocation');
    await this.o.tickets.comment(t.key, ticketComment(r, repeatNote(r)));
    const transition = settings?.jira.transitionOnResolve;
    if (r.outcome === 'resolved' && transition && !(await this.o.tickets.transition(t.key, transition)))
      throw new SinkError(`jira: ${t.key} offers no transition named "${transition}"`);
    return { key: t.key, url: t.url ?? '', created: false };
  }

  private async ready(episode: string, seen: TicketState): Promise<TicketState> {
    if (seen.key) return seen;
    const latest = await waitFor(
      () => this.o.state.getTicket(episode),
      (t) => t === undefined || t.key !== '',
      { timeoutMs: TICKET_WAIT_MS, everyMs: TICKET_POLL_MS, sleep: this.o.sleep },
    );
    return latest ?? seen;
  }
}
