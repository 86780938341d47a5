import type { z } from 'zod';
import { ROLLOUT_ACTIONS, type VerifySpec } from './schema.js';

/** The parts of a policy `verify` depends on. */
interface PolicyFacts {
  action: { type: string };
  notify?:
    | {
        ticket?: unknown;
        slack?: { template?: { mentions: readonly string[] } | undefined } | undefined;
      }
    | undefined;
  verify?: VerifySpec | undefined;
}

/**
 * Cross-field rules of `verify`: a rollout can only be watched after an action that starts one, a ticket can
 * only be opened when the policy says where (`notify.ticket`), and a notify-only policy changes nothing to verify.
 */
export const verifyFitsPolicy = (policy: PolicyFacts, ctx: z.RefinementCtx): void => {
  const v = policy.verify;
  if (!v) return;
  const issue = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['verify', ...path], message });
  if (policy.action.type === 'notifyOnly')
    issue([], 'a notifyOnly policy changes nothing; there is nothing to verify');
  if (v.check === 'rolloutComplete' && !ROLLOUT_ACTIONS.has(policy.action.type))
    issue(
      ['rolloutComplete'],
      `needs an action that starts a rollout (${[...ROLLOUT_ACTIONS].join(', ')}), not ${policy.action.type}`,
    );
  if ((v.onNotRecovered === 'ticket' || v.onNotRecovered === 'escalate') && !policy.notify?.ticket)
    issue(['onNotRecovered'], `${v.onNotRecovered} needs notify.ticket (the Jira project to open it in)`);
  if (v.onNotRecovered === 'escalate' && (policy.notify?.slack?.template?.mentions.length ?? 0) === 0)
    issue(
      ['onNotRecovered'],
      'escalate mentions on-call in the Slack thread: set notify.slack.template.mentions (or use ticket)',
    );
};
