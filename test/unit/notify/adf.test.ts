import { describe, expect, it } from 'vitest';
import { JIRA_SUMMARY_MAX, ticketComment, ticketDescription, ticketSummary } from '#domain/notify/adf.js';
import { acted, failed, resolved } from './fixtures.js';

describe('Jira payloads in Atlassian Document Format (golden)', () => {
  it('the description: why a human is needed, the facts, links to Prometheus, the runbook and the Slack thread', async () => {
    const doc = ticketDescription(failed, {
      slackThread: {
        channel: 'C0TEAMWEB',
        ts: '1764064807.000100',
        url: 'https://example.slack.com/archives/C0TEAMWEB/p1764064807000100',
      },
    });
    expect(doc).toMatchObject({ type: 'doc', version: 1 });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./golden/jira-description.json');
  });

  it('without a permalink, the thread is named by channel and ts', () => {
    const doc = ticketDescription(failed, { slackThread: { channel: 'C0TEAMWEB', ts: '1764064807.000100' } });
    expect(JSON.stringify(doc)).toContain('Slack channel C0TEAMWEB, thread 1764064807.000100');
  });

  it('the summary is one line of at most 255 characters', () => {
    expect(ticketSummary(failed)).toBe(
      '[remedy] FAILED KubePodCrashLooping: Pod demo/web-7d4b9c-x2x9k · cluster prod',
    );
    const long = ticketSummary({ ...failed, alertname: `A\n${'b'.repeat(400)}` });
    expect(long.length).toBeLessThanOrEqual(JIRA_SUMMARY_MAX);
    expect(long).not.toMatch(/\n/);
  });

  it('comments: a repeat and a resolve', async () => {
    const comments = [
      ticketComment(
        { ...acted, outcome: 'skipped', code: 'duplicate', reason: 'episode already handled' },
        'still firing',
      ),
      ticketComment(resolved),
    ];
    await expect(`${JSON.stringify(comments, null, 2)}\n`).toMatchFileSnapshot('./golden/jira-comments.json');
  });
});
