import type { Block, SlackMessage } from './slack-blocks.js';

/** `<url|label>` → `label (url)`, `<@U1>` kept, entities decoded: how Slack shows mrkdwn, in plain text. */
const plain = (mrkdwn: string): string =>
  mrkdwn
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 <$1>')
    .replace(/(^|[\s>(])\*([^*\n]+)\*/g, '$1$2')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

const blockLines = (b: Block): string[] => {
  switch (b.type) {
    case 'header':
      return [b.text.text];
    case 'section':
      return [
        ...(b.text ? plain(b.text.text).split('\n') : []),
        ...(b.fields ?? []).map((f) => plain(f.text).replace('\n', ': ')),
      ];
    case 'context':
      return b.elements.map((e) => plain(e.text));
    case 'divider':
      return ['──────────'];
  }
};

/** A message as readable lines (the local Slack's console, the README's example thread). */
export const messageToText = (m: SlackMessage, indent = ''): string =>
  m.blocks
    .flatMap(blockLines)
    .map((line) => `${indent}${line}`)
    .join('\n');
