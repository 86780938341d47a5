import { describePlan } from '#domain/actions/plan.js';
import type { AuditRecord } from '#domain/audit.js';
import type { Annotations, NotifyState, SlackApi, Tickets } from '#domain/notify/ports.js';
import type { ThreadContext } from '#domain/notify/slack-blocks.js';
import { OUTCOME_LABEL } from '#domain/notify/text.js';
import type { Notifier } from '#domain/ports.js';
import { SinkError } from './bounded-http.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SlackThreads, type ThreadRef } from './slack-threads.js';
import { TicketFlow } from './ticket-flow.js';

/** A Grafana dashboard link spans this long around the decision. */
const GRAFANA_WINDOW_MS = 30 * 60_000;

export interface LifecycleNotifierOptions {
  state: NotifyState;
  slack?: { api: SlackApi; defaultChannel?: string; workspaceUrl?: string };
  tickets?: Tickets;
  grafana?: { api: Annotations; url: string };
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The alert lifecycle for humans: one Slack thread per alert group (posted once, then updated and replied to),
 * a ticket per episode when the policy asks, a Grafana annotation per action. Each sink is tried on its own;
 * any failure is kept in the state table and thrown once at the end, so the caller counts `NotifyFailed`.
 */
export class LifecycleNotifier implements Notifier {
  private readonly mutex = new KeyedMutex();
  private readonly threads: SlackThreads | undefined;
  private readonly tickets: TicketFlow | undefined;
  private readonly clock: () => Date;

  constructor(private readonly o: LifecycleNotifierOptions) {
    this.clock = o.clock ?? (() => new Date());
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const common = { state: o.state, clock: this.clock, sleep };
    this.threads = o.slack
      ? new SlackThreads({
          ...common,
          api: o.slack.api,
          ...(o.slack.defaultChannel ? { defaultChannel: o.slack.defaultChannel } : {}),
        })
      : undefined;
    this.tickets = o.tickets ? new TicketFlow({ ...common, tickets: o.tickets }) : undefined;
  }

  async notify(r: AuditRecord): Promise<void> {
    await this.mutex.run(r.group ?? `message:${r.messageId ?? ''}`, () => this.deliver(r));
  }

  private async deliver(r: AuditRecord): Promise<void> {
    const failures: Array<{ sink: string; error: string }> = [];
    const attempt = async <T>(sink: string, step: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await step();
      } catch (error) {
        failures.push({
          sink,
          error: error instanceof SinkError ? error.message : `${sink}: ${(error as Error).message}`,
        });
        return undefined;
      }
    };
    const grafanaUrl = this.grafanaLink(r);
    const ctx: ThreadContext = grafanaUrl ? { grafanaUrl } : {};
    const threads = this.threads;
    const thread = threads ? await attempt('slack', () => threads.open(r, ctx)) : undefined;
    const tickets = this.tickets;
    const ticket = tickets
      ? await attempt('jira', () =>
          tickets.handle(r, { ...(thread ? { slackThread: this.threadLink(thread) } : {}), ...ctx }),
        )
      : undefined;
    if (threads && thread && r.group) {
      const group = r.group;
      const withTicket: ThreadContext = ticket ? { ...ctx, ticket } : ctx;
      if (!thread.created && (!thread.quiet || ticket?.created))
        await attempt('slack', () => threads.follow(thread, r, withTicket));
      else if (ticket?.created) await attempt('slack', () => threads.linkTicket(group, thread, ticket, ctx));
      if (ticket?.created && !thread.created)
        await attempt('slack', () => this.o.state.linkTicket(group, ticket));
    }
    await attempt('grafana', () => this.annotate(r));
    if (failures.length === 0) return;
    const error = failures.map((f) => f.error).join('; ');
    await this.o.state
      .recordFailure(r.group ?? 'none', { at: r.at, sinks: [...new Set(failures.map((f) => f.sink))], error })
      .catch(() => undefined);
    throw new SinkError(`notification incomplete (${r.outcome} ${r.code}): ${error}`);
  }

  private async annotate(r: AuditRecord): Promise<void> {
    const g = this.o.grafana;
    const settings = r.notify?.grafana;
    if (!g || !r.plan || (r.outcome !== 'acted' && r.outcome !== 'failed') || settings?.enabled === false)
      return;
    await g.api.annotate({
      time: Date.parse(r.at),
      tags: [
        ...new Set([
          'remedy',
          r.policy ?? 'no-policy',
          r.plan.action,
          r.plan.target.cluster,
          r.outcome,
          ...(settings?.tags ?? []),
        ]),
      ],
      text: `remedy ${OUTCOME_LABEL[r.outcome]}: ${describePlan(r.plan)}. ${r.reason}`,
      ...(settings?.dashboardUID ? { dashboardUID: settings.dashboardUID } : {}),
      ...(settings?.panelId !== undefined ? { panelId: settings.panelId } : {}),
    });
  }

  /** The policy's dashboard around the decision's time, when Grafana and a dashboard are configured. */
  private grafanaLink(r: AuditRecord): string | undefined {
    const uid = r.notify?.grafana?.dashboardUID;
    if (!this.o.grafana || !uid) return undefined;
    const t = Date.parse(r.at);
    const url = new URL(`/d/${encodeURIComponent(uid)}`, this.o.grafana.url);
    url.searchParams.set('from', String(t - GRAFANA_WINDOW_MS));
    url.searchParams.set('to', String(t + GRAFANA_WINDOW_MS));
    return url.href;
  }

  /** The thread's permalink when the workspace URL is known (`/archives/<channel>/p<ts without dot>`). */
  private threadLink(t: ThreadRef): { channel: string; ts: string; url?: string } {
    const base = this.o.slack?.workspaceUrl;
    if (!base) return { channel: t.channel, ts: t.ts };
    return {
      channel: t.channel,
      ts: t.ts,
      url: new URL(`/archives/${t.channel}/p${t.ts.replace('.', '')}`, base).href,
    };
  }
}
