import { describe, expect, it } from 'vitest';
import { notifySchema } from '#domain/notify/schema.js';
import { fillTemplate } from '#domain/notify/text.js';
import { opensTicket, repeatNote } from '#domain/notify/ticket-rules.js';
import { policySchema } from '#domain/policy/schema.js';
import { acted, failed, resolved } from './fixtures.js';

const policy = (notify: unknown) => ({
  name: 'p',
  match: { alertname: 'A' },
  target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod' },
  notify,
});
const problems = (notify: unknown) => {
  const r = policySchema.safeParse(policy(notify));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('policy `notify` (strict)', () => {
  it('accepts channel, template, ticket and Grafana; `when` may be one value or a list', () => {
    const parsed = policySchema.parse(
      policy({
        slack: {
          channel: '#ops-remedy',
          template: { title: '{{alertname}} {{labels.pod}}', mentions: ['<!here>'] },
        },
        ticket: { jira: { project: 'OPS' }, when: 'onNotRecovered' },
        grafana: { dashboardUID: 'abc' },
      }),
    );
    expect(parsed.notify?.ticket).toEqual({
      jira: { project: 'OPS', issueType: 'Task', labels: [] },
      when: ['onNotRecovered'],
    });
    expect(parsed.notify?.slack?.template?.mentionOn).toEqual(['failed']);
    expect(parsed.notify?.grafana).toEqual({ enabled: true, dashboardUID: 'abc', tags: [] });
    expect(policySchema.parse(policy(undefined)).notify).toBeUndefined();
  });

  it('refuses unknown keys, placeholders, mention forms, project keys and labels with spaces, by path', () => {
    expect(problems({ slack: { chanel: '#x' } })).toEqual([expect.stringContaining('notify.slack')]);
    expect(problems({ slack: { template: { title: '{{secret}}' } } })).toEqual([
      'notify.slack.template.title: unknown placeholder {{secret}}',
    ]);
    expect(problems({ slack: { template: { mentions: ['@oncall'] } } })[0]).toMatch(
      /^notify.slack.template.mentions.0/,
    );
    expect(problems({ slack: { channel: 'ops remedy' } })[0]).toMatch(/^notify.slack.channel/);
    expect(problems({ ticket: { jira: { project: 'ops' } } })[0]).toMatch(/^notify.ticket.jira.project/);
    expect(problems({ ticket: { jira: { project: 'OPS', labels: ['two words'] } } })[0]).toMatch(/spaces/);
    expect(problems({ ticket: { jira: { project: 'OPS' }, when: 'sometimes' } })[0]).toMatch(
      /^notify.ticket.when/,
    );
  });

  it('fills template placeholders; absent ones are empty', () => {
    expect(fillTemplate('{{alertname}}/{{labels.team}}/{{annotations.nope}}/{{ policy }}', acted)).toBe(
      'KubePodCrashLooping/web//restart-crashlooping-pod',
    );
  });
});

describe('when a ticket opens', () => {
  const settings = (when: unknown) =>
    notifySchema.parse({ ticket: { jira: { project: 'OPS' }, when } }).ticket?.when ?? [];
  const repeat = { ...acted, outcome: 'skipped' as const, code: 'duplicate' };

  it('onFailure: a failed action, nothing else', () => {
    expect(opensTicket(failed, settings('onFailure'), undefined)).toBe(true);
    expect(opensTicket(acted, settings('onFailure'), undefined)).toBe(false);
    expect(opensTicket(repeat, settings('onFailure'), 'acted')).toBe(false);
  });

  it('onNotRecovered: the episode fires again after remedy acted', () => {
    expect(opensTicket(acted, settings('onNotRecovered'), undefined)).toBe(false);
    expect(opensTicket(repeat, settings('onNotRecovered'), 'acted')).toBe(true);
    expect(opensTicket(repeat, settings('onNotRecovered'), undefined)).toBe(false);
  });

  it('always: any decision but a resolve or a rejected message', () => {
    expect(opensTicket(acted, settings('always'), undefined)).toBe(true);
    expect(opensTicket(resolved, settings('always'), undefined)).toBe(false);
  });

  it('notes for comments', () => {
    expect(repeatNote(repeat)).toContain('still firing');
    expect(repeatNote(resolved)).toBe('The alert resolved.');
    expect(repeatNote(failed)).toBeUndefined();
  });
});
