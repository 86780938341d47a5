// A local Slack Web API: chat.postMessage and chat.update as Slack answers them (HTTP 200 with ok:false for
// errors, 429 + Retry-After when a fault is injected), with Block Kit limits checked and threads kept.
import { createHash } from 'node:crypto';
import type { Block, SlackMessage } from '#domain/notify/slack-blocks.js';
import { type RecordingServer, type Reply, startRecordingServer } from './recording-server.js';

export interface LocalSlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Block[];
  replies: string[];
  edits: number;
}

export interface LocalSlack extends RecordingServer {
  /** The Web API base to give a client (`…/api/`). */
  apiUrl: string;
  messages: Map<string, LocalSlackMessage>;
  /** Parent messages of a channel with their replies, in order. */
  thread(channel: string, ts: string): LocalSlackMessage[];
}

/** A channel name's stable fake ID (`#ops-remedy` → `C…`), as Slack answers with IDs. */
export const channelId = (channel: string): string =>
  /^[CGD][A-Z0-9]{6,}$/.test(channel)
    ? channel
    : `C${createHash('sha256').update(channel.replace(/^#/, '')).digest('hex').slice(0, 9).toUpperCase()}`;

const ok = (body: Record<string, unknown>, answer?: string): Reply => ({
  status: 200,
  body: { ok: true, ...body },
  ...(answer ? { answer } : {}),
});
const fail = (error: string): Reply => ({ status: 200, body: { ok: false, error } });

/** Slack's documented Block Kit limits that remedy could hit; anything else is accepted as is. */
const invalidBlocks = (blocks: unknown): string | undefined => {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'blocks must be an array of at most 50';
  for (const b of blocks as Block[]) {
    if (b.type === 'header' && b.text.text.length > 150) return 'header text must be at most 150 characters';
    if (b.type === 'section') {
      if (b.text && b.text.text.length > 3000) return 'section text must be less than 3001 characters';
      if ((b.fields?.length ?? 0) > 10 || b.fields?.some((f) => f.text.length > 2000))
        return 'section fields: at most 10, each at most 2000 characters';
    }
  }
  return undefined;
};

/** Starts the local Slack; `token` is the bot token it accepts, `onMessage` sees every post and update. */
export const startLocalSlack = async (options: {
  port?: number;
  token: string;
  onMessage?: (m: LocalSlackMessage, kind: 'post' | 'reply' | 'update') => void;
}): Promise<LocalSlack> => {
  const messages = new Map<string, LocalSlackMessage>();
  let seq = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const server = await startRecordingServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    handle: ({ method, path, headers, body }) => {
      if (method !== 'POST') return { status: 405, body: { ok: false, error: 'method_not_allowed' } };
      if (headers.authorization !== `Bearer ${options.token}`)
        return fail(headers.authorization ? 'invalid_auth' : 'not_authed');
      const args = (body ?? {}) as Partial<SlackMessage> & {
        channel?: string;
        ts?: string;
        thread_ts?: string;
      };
      if (path === '/api/auth.test') return ok({ team: 'local', user: 'remedy' });
      if (!args.channel) return fail('channel_not_found');
      if (!args.text && !args.blocks) return fail('no_text');
      if (args.blocks !== undefined && invalidBlocks(args.blocks)) return fail('invalid_blocks');
      const key = (channel: string, ts: string) => `${channel}/${ts}`;
      if (path === '/api/chat.postMessage') {
        const channel = channelId(args.channel);
        const parent = args.thread_ts ? messages.get(key(channel, args.thread_ts)) : undefined;
        if (args.thread_ts && (!parent || parent.threadTs)) return fail('thread_not_found');
        const ts = nextTs();
        const message: LocalSlackMessage = {
          channel,
          ts,
          ...(args.thread_ts ? { threadTs: args.thread_ts } : {}),
          text: args.text ?? '',
          blocks: args.blocks ?? [],
          replies: [],
          edits: 0,
        };
        messages.set(key(channel, ts), message);
        parent?.replies.push(ts);
        options.onMessage?.(message, parent ? 'reply' : 'post');
        return ok({ channel, ts, message: { text: message.text, ts } }, ts);
      }
      if (path === '/api/chat.update') {
        // chat.update takes the channel ID Slack answered with, not a name.
        const message = args.ts ? messages.get(key(args.channel, args.ts)) : undefined;
        if (!message) return fail('message_not_found');
        message.text = args.text ?? '';
        message.blocks = args.blocks ?? [];
        message.edits++;
        options.onMessage?.(message, 'update');
        return ok({ channel: message.channel, ts: message.ts, text: message.text }, message.ts);
      }
      return fail('unknown_method');
    },
  });
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    messages,
    thread: (channel, ts) => {
      const parent = messages.get(`${channel}/${ts}`);
      if (!parent) return [];
      return [parent, ...parent.replies.flatMap((r) => messages.get(`${channel}/${r}`) ?? [])];
    },
  };
};
