import { z } from 'zod';
import { type AuditRecord, VERIFY_OUTCOMES } from '../audit.js';
import { formatIssues } from '../errors.js';
import type { VerifySpec } from './schema.js';

/** The followup message: which action to check, how, and when. Versioned: an old message is never guessed at. */
export const FOLLOWUP_KIND = 'remedy.followup';

const iso = z.iso.datetime({ offset: true });
const verdict = z.enum(VERIFY_OUTCOMES);

const spec = z.intersection(
  z.object({
    afterSeconds: z.number().int().min(0),
    onNotRecovered: z.enum(['notify', 'ticket', 'escalate']),
    quarantine: z
      .object({ notRecovered: z.number().int().min(1), withinSeconds: z.number().int().min(1) })
      .optional(),
  }),
  z.discriminatedUnion('check', [
    z.object({
      check: z.literal('query'),
      query: z.string().min(1),
      condition: z.string().min(1),
      holdsFor: z.enum(['all', 'any']),
      onEmpty: verdict,
    }),
    z.object({ check: z.literal('alertResolved') }),
    z.object({ check: z.literal('rolloutComplete') }),
  ]),
);

/** The acted-on record, as audited: the fields the followup relies on are checked, the rest carried along. */
const action = z
  .object({
    at: iso,
    outcome: z.literal('acted'),
    code: z.string(),
    reason: z.string(),
    episode: z.string().min(1),
    policy: z.string().min(1),
    target: z
      .object({
        cluster: z.string(),
        namespace: z.string(),
        kind: z.string(),
        name: z.string(),
      })
      .loose(),
  })
  .loose();

export const followupMessageSchema = z
  .object({
    kind: z.literal(FOLLOWUP_KIND),
    version: z.literal(1),
    dueAt: iso,
    verify: spec,
    action,
  })
  .strict();

export interface FollowupMessage {
  kind: typeof FOLLOWUP_KIND;
  version: 1;
  /** When the check is due (the action's time + `after`, scaled). */
  dueAt: string;
  verify: VerifySpec;
  /** The `acted` audit record: episode, policy, target, plan, Slack group and notify settings. */
  action: AuditRecord & { episode: string; policy: string; target: NonNullable<AuditRecord['target']> };
}

export type ParsedFollowup = { ok: true; message: FollowupMessage } | { ok: false; reason: string };

/** Parses a message body; a bad one is refused with the exact field, never acted on. */
export const parseFollowup = (body: string): ParsedFollowup => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'followup message is not JSON' };
  }
  const parsed = followupMessageSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: `invalid followup message: ${formatIssues(parsed.error.issues)}` };
  return { ok: true, message: parsed.data as unknown as FollowupMessage };
};
