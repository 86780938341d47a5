import type { AuditRecord, Outcome } from '../audit.js';
import {
  auditRef,
  describeTarget,
  escapeMrkdwn as esc,
  fillTemplate,
  OUTCOME_ICON,
  OUTCOME_LABEL,
  planText,
  runbookOf,
  SLACK_LIMITS,
  truncate,
} from './text.js';

/** The Block Kit subset remedy sends. */
export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'divider' };
type Mrkdwn = { type: 'mrkdwn'; text: string };

/** What chat.postMessage / chat.update carry: blocks, and `text` as the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Facts the thread shows besides the decisions themselves (computed by the notifier). */
export interface ThreadContext {
  tally?: Partial<Record<Outcome, number>>;
  ticket?: { key: string; url: string };
  grafanaUrl?: string;
}

const md = (text: string, max: number = SLACK_LIMITS.section): Mrkdwn => ({
  type: 'mrkdwn',
  text: truncate(text, max),
});
/** `<url|label>`: in a link only `&`, `<`, `>` (and the `|` separator) need escaping, the URL stays readable. */
const link = (url: string, label: string): string =>
  `<${url.replaceAll('&', '&amp;').replaceAll('<', '%3C').replaceAll('>', '%3E').replaceAll('|', '%7C')}|${label}>`;
const dryRun = (r: AuditRecord): boolean => r.mode === 'dry-run' || r.outcome === 'would-act';
const DRY_RUN_BANNER =
  '🧪 *DRY-RUN*: remedy only recorded what it would do; nothing in the cluster was changed.';

const mentions = (r: AuditRecord): string[] => {
  const t = r.notify?.slack?.template;
  return t?.mentionOn.includes(r.outcome) ? t.mentions : [];
};

const fallback = (r: AuditRecord): string =>
  truncate(
    `${dryRun(r) ? '[DRY-RUN] ' : ''}${OUTCOME_LABEL[r.outcome]} ${r.alertname ?? 'alert'}: ${r.reason}`,
    SLACK_LIMITS.fallback,
  );

const links = (r: AuditRecord, ctx: ThreadContext, entry: boolean): string => {
  const parts: string[] = [];
  if (r.alert?.generatorURL) parts.push(link(r.alert.generatorURL, 'Prometheus'));
  const runbook = runbookOf(r);
  if (runbook) parts.push(link(runbook, 'Runbook'));
  if (ctx.grafanaUrl) parts.push(link(ctx.grafanaUrl, 'Grafana'));
  if (ctx.ticket) parts.push(link(ctx.ticket.url, esc(ctx.ticket.key)));
  // The parent spans many decisions: it names the target's audit partition; a reply names its own entry.
  parts.push(`audit \`${esc(auditRef(r, entry))}\``);
  return parts.join(' · ');
};

const tallyText = (tally: ThreadContext['tally']): string | undefined => {
  const entries = Object.entries(tally ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const total = entries.reduce((s, [, n]) => s + (n ?? 0), 0);
  return total > 1 ? `Decisions so far: ${entries.map(([o, n]) => `${n} ${o}`).join(' · ')}` : undefined;
};

/** The thread's parent: the group's current status at a glance; updated in place as decisions come. */
export const renderParent = (r: AuditRecord, ctx: ThreadContext = {}): SlackMessage => {
  const template = r.notify?.slack?.template;
  const title = template?.title ? fillTemplate(template.title, r) : (r.alertname ?? 'unparsed alert');
  const head = `${dryRun(r) ? '[DRY-RUN] ' : ''}${OUTCOME_ICON[r.outcome]} ${OUTCOME_LABEL[r.outcome]} · ${title}`;
  const severity = r.alert?.labels.severity;
  const fields = [
    md(`*Alert*\n${esc(r.alertname ?? '—')}${severity ? ` (${esc(severity)})` : ''}`, SLACK_LIMITS.field),
    md(`*Target*\n${esc(describeTarget(r))}`, SLACK_LIMITS.field),
    md(`*Policy*\n${esc(r.policy ?? 'none')}`, SLACK_LIMITS.field),
    md(`*Decision*\n${esc(r.outcome)} · \`${esc(r.code)}\``, SLACK_LIMITS.field),
    ...(template?.fields ?? []).map((f) =>
      md(`*${esc(f.label)}*\n${esc(fillTemplate(f.value, r))}`, SLACK_LIMITS.field),
    ),
  ];
  const plan = planText(r);
  const summary = r.alert?.annotations.summary;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(head, SLACK_LIMITS.header), emoji: true } },
    ...(dryRun(r) ? [{ type: 'section' as const, text: md(DRY_RUN_BANNER) }] : []),
    ...(summary ? [{ type: 'section' as const, text: md(`>${esc(summary)}`) }] : []),
    { type: 'section', fields },
    {
      type: 'section',
      text: md(`*${plan ? 'Action' : 'Result'}:* ${esc(plan ? `${plan}\n${r.reason}` : r.reason)}`),
    },
  ];
  const tally = tallyText(ctx.tally);
  if (tally) blocks.push({ type: 'context', elements: [md(tally)] });
  const who = mentions(r);
  if (who.length > 0)
    blocks.push({ type: 'section', text: md(`${who.join(' ')} remedy needs a human here.`) });
  blocks.push({ type: 'context', elements: [md(links(r, ctx, false))] });
  return { text: fallback(r), blocks };
};

/** One decision, as a reply in the group's thread. */
export const renderReply = (r: AuditRecord, ctx: ThreadContext = {}): SlackMessage => {
  const where = r.target ? ` · ${esc(describeTarget(r))}` : '';
  const blocks: Block[] = [
    {
      type: 'section',
      text: md(
        `${dryRun(r) ? '*[DRY-RUN]* ' : ''}${OUTCOME_ICON[r.outcome]} *${OUTCOME_LABEL[r.outcome]}* \`${esc(r.code)}\`${where}\n${esc(r.reason)}`,
      ),
    },
  ];
  const who = mentions(r);
  if (who.length > 0) blocks.push({ type: 'section', text: md(who.join(' ')) });
  blocks.push({ type: 'context', elements: [md(`${esc(r.at)} · ${links(r, ctx, true)}`)] });
  return { text: fallback(r), blocks };
};

/** Many alerts turned away by a budget, across groups: one message per policy and window, updated in place. */
export const renderStorm = (s: {
  policy: string;
  total: number;
  since: string;
  reason: string;
  dryRun: boolean;
}): SlackMessage => {
  const head = `${s.dryRun ? '[DRY-RUN] ' : ''}🌩️ Alert storm · ${s.policy}`;
  const body = `*${s.total}* alert(s) not acted on since ${esc(s.since)}: the budget is spent.\n${esc(s.reason)}`;
  return {
    text: truncate(`${head}: ${s.total} alert(s) not acted on`, SLACK_LIMITS.fallback),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(head, SLACK_LIMITS.header), emoji: true },
      },
      { type: 'section', text: md(body) },
      { type: 'context', elements: [md('One message per policy per hour; it is updated, not repeated.')] },
    ],
  };
};
