import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#domain/audit.js';
import { notifySchema } from '#domain/notify/schema.js';
import { opensTicket } from '#domain/notify/ticket-rules.js';
import { policySchema } from '#domain/policy/schema.js';
import { verifySchema } from '#domain/verify/schema.js';

const policy = (extra: Record<string, unknown>) => ({
  name: 'p',
  match: { alertname: 'A' },
  target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod' },
  ...extra,
});
const problems = (input: unknown) => {
  const parsed = policySchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('verify schema', () => {
  it('normalises each kind of check, with `after` defaulting to 5m', () => {
    expect(verifySchema.parse({ alertResolved: true })).toEqual({
      afterSeconds: 300,
      onNotRecovered: 'notify',
      check: 'alertResolved',
    });
    expect(
      verifySchema.parse({
        after: '10m',
        query: 'sum(kube_pod_container_status_restarts_total{pod="{{pod}}"})',
        condition: '== 0',
        onEmpty: 'recovered',
        quarantine: { notRecovered: 3, within: '1d' },
      }),
    ).toEqual({
      afterSeconds: 600,
      onNotRecovered: 'notify',
      check: 'query',
      query: 'sum(kube_pod_container_status_restarts_total{pod="{{pod}}"})',
      condition: '== 0',
      holdsFor: 'all',
      onEmpty: 'recovered',
      quarantine: { notRecovered: 3, withinSeconds: 86_400 },
    });
  });

  it.each([
    [{}, /exactly one of/],
    [{ alertResolved: true, rolloutComplete: true }, /exactly one of/],
    [{ query: 'up' }, /query and condition go together/],
    [{ alertResolved: true, after: '10s' }, /between 30s and 1d/],
    [{ alertResolved: true, after: '2d' }, /between 30s and 1d/],
    [{ query: 'up{pod={{pod}}}', condition: '> 1' }, /inside a quoted string/],
    [{ query: 'up', condition: 'big' }, /invalid condition/],
    [{ alertResolved: false }, /expected true|Invalid input/],
    [{ alertResolved: true, quarantine: { notRecovered: 0, within: '1h' } }, /too small|>=1/],
    [{ alertResolved: true, onNotRecovered: 'page' }, /Invalid option|expected one of/],
    [{ alertResolved: true, unknown: 1 }, /Unrecognized key/],
  ])('refuses %j', (input, message) => {
    const parsed = verifySchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('fits the policy: rollouts only after rollout actions, tickets only with notify.ticket, nothing to verify for notifyOnly', () => {
    expect(problems(policy({ verify: { rolloutComplete: true } }))).toEqual([
      expect.stringMatching(/^verify.rolloutComplete: needs an action that starts a rollout/),
    ]);
    expect(
      problems(
        policy({
          action: { type: 'restartDeployment' },
          target: { namespace: { value: 'demo' }, deployment: { value: 'web' } },
          verify: { rolloutComplete: true },
        }),
      ),
    ).toEqual([]);
    expect(problems(policy({ verify: { alertResolved: true, onNotRecovered: 'ticket' } }))).toEqual([
      expect.stringMatching(/^verify.onNotRecovered: ticket needs notify.ticket/),
    ]);
    expect(
      problems(
        policy({
          notify: { ticket: { jira: { project: 'OPS' } } },
          verify: { alertResolved: true, onNotRecovered: 'escalate' },
        }),
      ),
    ).toEqual([expect.stringMatching(/set notify.slack.template.mentions/)]);
    expect(problems(policy({ action: { type: 'notifyOnly' }, verify: { alertResolved: true } }))).toEqual([
      expect.stringMatching(/nothing to verify/),
    ]);
  });
});

describe('tickets and the new outcomes', () => {
  const record = (outcome: AuditRecord['outcome']): AuditRecord => ({
    at: '2026-11-25T10:00:00Z',
    outcome,
    code: 'x',
    reason: 'r',
  });

  it("accepts DESIGN.md's `when: [failed, notRecovered]` as onFailure/onNotRecovered", () => {
    expect(
      notifySchema.parse({ ticket: { jira: { project: 'OPS' }, when: ['failed', 'notRecovered'] } }).ticket
        ?.when,
    ).toEqual(['onFailure', 'onNotRecovered']);
  });

  it('a not-recovered verdict opens a ticket under onNotRecovered; recovered and inconclusive never do', () => {
    expect(opensTicket(record('not-recovered'), ['onNotRecovered'], undefined)).toBe(true);
    expect(opensTicket(record('not-recovered'), ['onFailure'], 'acted')).toBe(false);
    expect(opensTicket(record('recovered'), ['always'], 'acted')).toBe(false);
    expect(opensTicket(record('inconclusive'), ['onNotRecovered'], 'acted')).toBe(false);
  });
});
