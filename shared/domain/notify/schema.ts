import { z } from 'zod';
import { OUTCOMES } from '../audit.js';

/** Outcomes a template may single out (for example: mention on-call only when an action failed). */
const outcome = z.enum(OUTCOMES);

/** Placeholders a Slack template may use; anything else is refused when the policy is applied. */
export const TEMPLATE_PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}/g;
const KNOWN_PLACEHOLDER =
  /^(alertname|policy|target|cluster|namespace|outcome|code|mode|(labels|annotations)\.[a-zA-Z_][a-zA-Z0-9_]*)$/;

const templateText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      for (const [, name] of value.matchAll(TEMPLATE_PLACEHOLDER)) {
        if (name !== undefined && !KNOWN_PLACEHOLDER.test(name))
          ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${name}}}` });
      }
    });

/** `<!here>`, `<!channel>`, `<@U123>`, `<!subteam^S123>`: the forms Slack turns into a notification. */
const mention = z
  .string()
  .regex(
    /^<(!here|!channel|@[UW][A-Z0-9]+|!subteam\^[A-Z0-9]+)>$/,
    'must be <!here>, <@U…> or <!subteam^S…>',
  );

/** A channel name (`#ops`) or ID (`C0123…`); the ID Slack answers with is what threads are kept by. */
const channel = z
  .string()
  .regex(/^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,})$/, 'must be #name or a channel ID');

export const slackTemplateSchema = z
  .object({
    /** Replaces the header line, e.g. `{{alertname}} on {{labels.service}}`. */
    title: templateText(150).optional(),
    /** Extra fields shown under the standard ones (team standards: owner, service, tier…). */
    fields: z
      .array(z.object({ label: z.string().min(1).max(40), value: templateText(500) }).strict())
      .max(4)
      .default([]),
    mentions: z.array(mention).max(5).default([]),
    /** Which outcomes carry the mentions; failures only unless said otherwise. */
    mentionOn: z.array(outcome).min(1).default(['failed']),
  })
  .strict();

const ticketWhen = z.enum(['always', 'onFailure', 'onNotRecovered']);
/** `failed` and `notRecovered` read as the outcomes they name (DESIGN's `when: [failed, notRecovered]`). */
const TICKET_WHEN_ALIAS = { failed: 'onFailure', notRecovered: 'onNotRecovered' } as const;
const ticketWhenInput = z
  .enum(['always', 'onFailure', 'onNotRecovered', 'failed', 'notRecovered'])
  .transform((w) => (w === 'failed' || w === 'notRecovered' ? TICKET_WHEN_ALIAS[w] : w));

export const notifySchema = z
  .object({
    slack: z
      .object({ channel: channel.optional(), template: slackTemplateSchema.optional() })
      .strict()
      .optional(),
    ticket: z
      .object({
        jira: z
          .object({
            project: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'must be a Jira project key'),
            issueType: z.string().min(1).max(60).default('Task'),
            labels: z
              .array(z.string().regex(/^\S{1,255}$/, 'Jira labels cannot contain spaces'))
              .max(10)
              .default([]),
            /** Transition name applied when the alert resolves (e.g. Done); none: comment only. */
            transitionOnResolve: z.string().min(1).max(60).optional(),
          })
          .strict(),
        when: z
          .union([ticketWhenInput, z.array(ticketWhenInput).min(1)])
          .default(['onFailure'])
          .transform((w) => (Array.isArray(w) ? w : [w])),
      })
      .strict()
      .optional(),
    /** Grafana annotations for every action; on when Grafana is configured, `enabled: false` turns it off. */
    grafana: z
      .object({
        enabled: z.boolean().default(true),
        dashboardUID: z
          .string()
          .regex(/^[a-zA-Z0-9_-]{1,40}$/)
          .optional(),
        panelId: z.number().int().min(0).optional(),
        tags: z.array(z.string().min(1).max(50)).max(10).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export type NotifySettings = z.output<typeof notifySchema>;
export type NotifyInput = z.input<typeof notifySchema>;
export type SlackTemplate = z.output<typeof slackTemplateSchema>;
export type TicketWhen = z.output<typeof ticketWhen>;
