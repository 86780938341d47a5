import { describe, expect, it } from 'vitest';
import { mergeParent } from '#adapters/notify/slack-threads.js';
import { messageToText } from '#domain/notify/render-text.js';
import { renderParent, renderReply, renderStorm } from '#domain/notify/slack-blocks.js';
import { acted, failed, resolved, wouldAct } from './fixtures.js';

const golden = (name: string) => `./golden/${name}.json`;
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const ticket = { key: 'OPS-42', url: 'https://example.atlassian.net/browse/OPS-42' };

describe('Slack Block Kit payloads (golden)', () => {
  it('the parent of a thread after an action: status, alert, target, policy, decision, result, links', async () => {
    const message = renderParent(acted, { grafanaUrl: 'https://grafana.example/d/remedy?from=1&to=2' });
    await expect(json(message)).toMatchFileSnapshot(golden('parent-acted'));
  });

  it('a dry-run says so at the top: in the fallback text, the header and a banner', async () => {
    const message = renderParent(wouldAct);
    expect(message.text.startsWith('[DRY-RUN] ')).toBe(true);
    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: expect.stringMatching(/^\[DRY-RUN\] /) },
    });
    expect(JSON.stringify(message.blocks[1])).toContain('*DRY-RUN*');
    await expect(json(message)).toMatchFileSnapshot(golden('parent-dry-run'));
  });

  it('the parent after several decisions: the tally and the ticket', async () => {
    const message = renderParent(failed, { tally: { acted: 1, failed: 2 }, ticket });
    await expect(json(message)).toMatchFileSnapshot(golden('parent-failed-ticket'));
  });

  it('replies: a failure mentions on-call (team template), a resolve does not', async () => {
    const failure = renderReply(failed, { ticket });
    expect(JSON.stringify(failure.blocks)).toContain('<!subteam^S0ONCALL>');
    await expect(json(failure)).toMatchFileSnapshot(golden('reply-failed'));
    const resolve = renderReply(resolved);
    expect(JSON.stringify(resolve.blocks)).not.toContain('subteam');
    await expect(json(resolve)).toMatchFileSnapshot(golden('reply-resolved'));
  });

  it('the storm message', async () => {
    const message = renderStorm({
      policy: 'restart-crashlooping-pod',
      total: 480,
      since: '2026-11-25T10:00:00.000Z',
      reason: 'budget exhausted: policy restart-crashlooping-pod allows 10 actions per 1h',
      dryRun: false,
    });
    await expect(json(message)).toMatchFileSnapshot(golden('storm'));
  });

  it('alert text can never mention, link or break the layout; limits are kept', () => {
    const hostile = {
      ...acted,
      reason: `<!channel> <https://evil.example|click> & ${'x'.repeat(5000)}`,
      alert: {
        labels: { alertname: 'A', severity: 'critical' },
        annotations: { summary: '<@U123>' },
        generatorURL: '',
      },
    };
    const message = renderParent(hostile);
    const text = JSON.stringify(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
    for (const b of message.blocks) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
    expect(message.text.length).toBeLessThanOrEqual(300);
  });

  it('renders a thread as readable text (the local Slack console and the README)', async () => {
    // The parent as the notifier keeps it: the group's facts, the latest status, the tally.
    const parent = renderParent(mergeParent(mergeParent(acted, failed), resolved), {
      tally: { acted: 1, failed: 1, resolved: 1 },
      ticket,
    });
    const thread = [
      messageToText(parent, '│ '),
      ...[acted, failed, resolved].map((r) => messageToText(renderReply(r), '│   ↳ ')),
    ].join('\n│\n');
    await expect(`${thread}\n`).toMatchFileSnapshot('./golden/thread.txt');
  });
});
