import type { AuditRecord } from '../audit.js';
import { auditRef, describeTarget, OUTCOME_LABEL, planText, runbookOf, truncate } from './text.js';

/** Atlassian Document Format (the subset remedy writes): Jira Cloud REST v3 takes it for descriptions and comments. */
export type AdfMark = { type: 'link'; attrs: { href: string } } | { type: 'strong' } | { type: 'code' };
export type AdfInline = { type: 'text'; text: string; marks?: AdfMark[] } | { type: 'hardBreak' };
export type AdfBlock =
  | { type: 'paragraph'; content: AdfInline[] }
  | { type: 'heading'; attrs: { level: 1 | 2 | 3 }; content: AdfInline[] }
  | { type: 'bulletList'; content: Array<{ type: 'listItem'; content: AdfBlock[] }> };
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

/** Jira's summary is a single-line text field of at most 255 characters. */
export const JIRA_SUMMARY_MAX = 255;

/** ADF refuses empty text nodes: an empty value shows as a dash. */
const text = (value: string, ...marks: AdfMark[]): AdfInline => {
  const t = value === '' ? '—' : value;
  return marks.length > 0 ? { type: 'text', text: t, marks } : { type: 'text', text: t };
};
const linkTo = (href: string, label: string): AdfInline => text(label, { type: 'link', attrs: { href } });
const para = (...content: AdfInline[]): AdfBlock => ({ type: 'paragraph', content });
const item = (label: string, ...value: AdfInline[]) => ({
  type: 'listItem' as const,
  content: [para(text(`${label}: `, { type: 'strong' }), ...value)],
});

/** Where the ticket points back to: the Slack thread (a permalink when the workspace URL is known). */
export interface TicketLinks {
  slackThread?: { url?: string; channel: string; ts: string };
  grafanaUrl?: string;
}

/** `[remedy] FAILED KubePodCrashLooping: Pod demo/web-1 · cluster sandbox` (one line, ≤ 255 characters). */
export const ticketSummary = (r: AuditRecord): string =>
  truncate(
    `[remedy] ${OUTCOME_LABEL[r.outcome]} ${r.alertname ?? 'alert'}: ${describeTarget(r)}`.replace(
      /\s+/g,
      ' ',
    ),
    JIRA_SUMMARY_MAX,
  );

const linkItems = (r: AuditRecord, links: TicketLinks): AdfInline[] => {
  const out: AdfInline[] = [];
  const add = (i: AdfInline) => {
    if (out.length > 0) out.push(text(' · '));
    out.push(i);
  };
  if (r.alert?.generatorURL) add(linkTo(r.alert.generatorURL, 'Prometheus'));
  const runbook = runbookOf(r);
  if (runbook) add(linkTo(runbook, 'Runbook'));
  if (links.grafanaUrl) add(linkTo(links.grafanaUrl, 'Grafana'));
  const thread = links.slackThread;
  if (thread?.url) add(linkTo(thread.url, 'Slack thread'));
  else if (thread) add(text(`Slack channel ${thread.channel}, thread ${thread.ts}`));
  return out;
};

/** The ticket's description: what fired, what remedy decided and did, and where to look. */
export const ticketDescription = (
  r: AuditRecord,
  links: TicketLinks = {},
  lead = 'remedy needs a human: ',
): AdfDoc => {
  const plan = planText(r);
  const facts = [
    item(
      'Alert',
      text(`${r.alertname ?? '—'}${r.alert?.labels.severity ? ` (${r.alert.labels.severity})` : ''}`),
    ),
    item('Target', text(describeTarget(r))),
    item('Policy', text(r.policy ?? 'none')),
    item('Decision', text(`${r.outcome} · `), text(r.code, { type: 'code' })),
    ...(plan ? [item('Action', text(plan))] : []),
    item('Mode', text(r.mode ?? 'enforce')),
    item('Episode', text(r.episode ?? '—', { type: 'code' })),
    item('Audit', text(auditRef(r), { type: 'code' })),
  ];
  const summary = r.alert?.annotations.summary ?? r.alert?.annotations.description;
  const refs = linkItems(r, links);
  return {
    type: 'doc',
    version: 1,
    content: [
      para(text(lead), text(r.reason, { type: 'strong' })),
      ...(summary ? [para(text(summary))] : []),
      { type: 'bulletList', content: facts },
      ...(refs.length > 0 ? [para(text('Links: '), ...refs)] : []),
    ],
  };
};

/** A comment for a later decision of the same episode (repeat, failure again, resolved). */
export const ticketComment = (r: AuditRecord, note?: string): AdfDoc => ({
  type: 'doc',
  version: 1,
  content: [
    para(
      text(`${r.mode === 'dry-run' ? '[DRY-RUN] ' : ''}${OUTCOME_LABEL[r.outcome]} `, { type: 'strong' }),
      text(r.code, { type: 'code' }),
      text(` at ${r.at}: ${r.reason}`),
    ),
    ...(note ? [para(text(note))] : []),
  ],
});
