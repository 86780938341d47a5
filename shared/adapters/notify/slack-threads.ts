import type { AuditRecord } from '#domain/audit.js';
import type { NotifyState, SlackApi, ThreadState } from '#domain/notify/ports.js';
import { renderParent, renderReply, renderStorm, type ThreadContext } from '#domain/notify/slack-blocks.js';
import { SinkError } from './bounded-http.js';
import { waitFor } from './keyed-mutex.js';

/** Another invocation opening the same thread gets this long to store its ts before we give up on it. */
export const THREAD_WAIT_MS = 3_000;
const THREAD_POLL_MS = 200;
/** The storm message is updated at most this often (chat.update is Tier 3: about 50 a minute). */
export const STORM_UPDATE_EVERY_MS = 10_000;
const HOUR_MS = 3_600_000;

export interface ThreadRef {
  channel: string;
  ts: string;
  /** True when this decision opened the thread (its parent already shows it). */
  created: boolean;
  /** A repeat: the thread exists but this decision adds nothing to it unless it opened a ticket. */
  quiet?: boolean;
  state?: ThreadState;
}

export interface SlackThreadsOptions {
  api: SlackApi;
  state: NotifyState;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Where groups whose policy names no channel, and rejected messages, go; none: they are not posted. */
  defaultChannel?: string;
}

/** The parent keeps what the group is about (target, policy, alert) while its status follows the latest decision. */
export const mergeParent = (previous: AuditRecord, r: AuditRecord): AuditRecord => {
  const merged: AuditRecord = { ...previous, ...r };
  if (!r.plan) delete merged.plan;
  for (const key of ['target', 'policy', 'alert', 'notify'] as const) {
    if (r[key] === undefined && previous[key] !== undefined) Object.assign(merged, { [key]: previous[key] });
  }
  return merged;
};

/** One Slack thread per alert group: the first decision posts it, later ones update it and reply in it. */
export class SlackThreads {
  constructor(private readonly o: SlackThreadsOptions) {}

  /** Finds or opens the group's thread; undefined when this decision gets no thread (storm, duplicate, no channel). */
  async open(r: AuditRecord, ctx: ThreadContext): Promise<ThreadRef | undefined> {
    // A duplicate is Alertmanager repeating itself (or its HA twin): the thread already says what happened.
    if (r.outcome === 'skipped' && r.code === 'duplicate') {
      const t = r.group ? await this.o.state.getThread(r.group) : undefined;
      return t?.ts ? { channel: t.channel, ts: t.ts, created: false, quiet: true, state: t } : undefined;
    }
    const channel = r.notify?.slack?.channel ?? this.o.defaultChannel;
    if (!r.group) {
      if (channel) await this.o.api.postMessage({ channel, ...renderParent(r, ctx) });
      return undefined;
    }
    let existing = await this.o.state.getThread(r.group);
    if (!existing) {
      if (r.code === 'budget-exhausted') return void (await this.storm(r, channel));
      // Nothing happened before a resolve, and an alert no policy wants is not remedy's to announce.
      if (!channel || r.outcome === 'resolved' || r.code === 'no-policy') return undefined;
      existing = await this.o.state.claimThread(r.group, channel, r, this.o.clock());
      if (!existing) return this.post(r.group, channel, r, ctx);
    }
    const group = r.group;
    // A thread already posted needs no second read; one still being opened is polled until it has its ts.
    const ready =
      existing.ts !== ''
        ? existing
        : await waitFor(
            () => this.o.state.getThread(group),
            (t) => t === undefined || t.ts !== '',
            { timeoutMs: THREAD_WAIT_MS, everyMs: THREAD_POLL_MS, sleep: this.o.sleep },
          );
    if (!ready?.ts) throw new SinkError('slack: the thread is still being opened by another invocation');
    return { channel: ready.channel, ts: ready.ts, created: false, state: ready };
  }

  /** Shows a later decision: the parent updated in place, and a reply in the thread. */
  async follow(ref: ThreadRef, r: AuditRecord, ctx: ThreadContext): Promise<void> {
    if (!r.group || !ref.state) return;
    const parent = mergeParent(ref.state.parent, r);
    const updated = await this.o.state.recordEvent(r.group, parent, r.outcome);
    const ticket = ctx.ticket ?? updated.ticket;
    const full: ThreadContext = { ...ctx, tally: updated.tally, ...(ticket ? { ticket } : {}) };
    await this.o.api.update({
      channel: ref.channel,
      ts: ref.ts,
      ...renderParent(parent, full),
    });
    await this.o.api.postMessage({
      channel: ref.channel,
      threadTs: ref.ts,
      ...renderReply(r, full),
    });
  }

  /** Adds a new ticket's link to the parent (the thread and the ticket point at each other). */
  async linkTicket(group: string, ref: ThreadRef, ticket: { key: string; url: string }, ctx: ThreadContext) {
    await this.o.state.linkTicket(group, ticket);
    const state = await this.o.state.getThread(group);
    if (!state) return;
    await this.o.api.update({
      channel: ref.channel,
      ts: ref.ts,
      ...renderParent(state.parent, { ...ctx, tally: state.tally, ticket }),
    });
  }

  private async post(group: string, channel: string, r: AuditRecord, ctx: ThreadContext): Promise<ThreadRef> {
    try {
      const posted = await this.o.api.postMessage({
        channel,
        ...renderParent(r, { ...ctx, tally: { [r.outcome]: 1 } }),
      });
      await this.o.state.setThread(group, posted);
      return { ...posted, created: true };
    } catch (error) {
      await this.o.state.releaseThread(group);
      throw error;
    }
  }

  /** Budget refusals outside any thread: one message per policy and hour, its count updated now and then. */
  private async storm(r: AuditRecord, channel: string | undefined): Promise<void> {
    if (!channel) return;
    const now = this.o.clock();
    const key = `${r.policy ?? 'cluster'}#${Math.floor(now.getTime() / HOUR_MS)}`;
    const alerts = typeof r.details?.alerts === 'number' ? r.details.alerts : 1;
    const storm = await this.o.state.countStorm(key, alerts, now);
    const message = renderStorm({
      policy: r.policy ?? 'cluster budget',
      total: storm.total,
      since: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS).toISOString(),
      reason: r.reason,
      dryRun: r.mode === 'dry-run',
    });
    if (storm.first) {
      const posted = await this.o.api.postMessage({ channel, ...message });
      await this.o.state.setStorm(key, posted, now);
    } else if (storm.ref && now.getTime() - (storm.updatedAt ?? 0) >= STORM_UPDATE_EVERY_MS) {
      await this.o.state.setStorm(key, storm.ref, now);
      await this.o.api.update({ ...storm.ref, ...message });
    }
  }
}
