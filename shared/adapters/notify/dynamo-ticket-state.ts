import { GetCommand, UpdateCommand } from '#adapters/dynamodb/client/document-client.js';
import type { Outcome } from '#domain/audit.js';
import type { TicketState } from '#domain/notify/ports.js';
import type { NotifySettings } from '#domain/notify/schema.js';
import {
  NOTIFY_CLAIM_STALE_SECONDS,
  NOTIFY_TTL_SECONDS,
  NotifyItems,
  seconds,
} from './dynamo-notify-items.js';

const ticketKey = (episode: string) => ({ pk: `NOTIFY#EPISODE#${episode}`, sk: 'TICKET' });
const stormKey = (key: string) => ({ pk: `NOTIFY#STORM#${key}`, sk: 'SLACK' });

/**
 * NOTIFY#EPISODE#<episode>/TICKET (the ticket key: Jira's search is eventually consistent, this is not) and
 * NOTIFY#STORM#<policy>#<hour>/SLACK (the one storm message of a policy and hour, with its count).
 */
export class DynamoTicketState extends NotifyItems {
  async getTicket(episode: string): Promise<TicketState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: ticketKey(episode), ConsistentRead: true }),
    );
    return Item ? toTicket(Item) : undefined;
  }

  async claimTicket(episode: string, settings: NotifySettings['ticket'], now: Date) {
    const claimed = await this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: ticketKey(episode),
        UpdateExpression:
          'SET #key = :empty, #url = :empty, claimedAt = :now, settings = :s, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(#key) OR (#key = :empty AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#key': 'key', '#url': 'url' },
        ExpressionAttributeValues: {
          ':empty': '',
          ':now': seconds(now),
          ':s': settings ?? null,
          ':exp': seconds(now) + NOTIFY_TTL_SECONDS,
          ':stale': seconds(now) - NOTIFY_CLAIM_STALE_SECONDS,
        },
      }),
    );
    return claimed ? undefined : await this.getTicket(episode);
  }

  async setTicket(episode: string, ticket: { key: string; url: string }) {
    await this.update(
      ticketKey(episode),
      'SET #key = :k, #url = :u',
      { ':k': ticket.key, ':u': ticket.url },
      { '#key': 'key', '#url': 'url' },
    );
  }

  async releaseTicket(episode: string) {
    await this.update(ticketKey(episode), 'REMOVE #key, #url', {}, { '#key': 'key', '#url': 'url' });
  }

  async noteOutcome(episode: string, outcome: Outcome, settings: NotifySettings['ticket'], now: Date) {
    await this.update(
      ticketKey(episode),
      'SET lastOutcome = :o, settings = if_not_exists(settings, :s), expiresAt = :exp',
      {
        ':o': outcome,
        ':s': settings ?? null,
        ':exp': seconds(now) + NOTIFY_TTL_SECONDS,
      },
    );
  }

  async countStorm(key: string, alerts: number, now: Date) {
    const { Attributes: a = {} } = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: stormKey(key),
        UpdateExpression: 'ADD #total :n SET firstAt = if_not_exists(firstAt, :now), expiresAt = :exp',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: {
          ':n': alerts,
          ':now': now.toISOString(),
          ':exp': seconds(now) + NOTIFY_TTL_SECONDS,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const total = Number(a.total ?? alerts);
    const ref =
      typeof a.ts === 'string' && typeof a.channel === 'string'
        ? { channel: a.channel, ts: a.ts }
        : undefined;
    return {
      total,
      first: total === alerts,
      ...(ref ? { ref } : {}),
      ...(typeof a.updatedAt === 'number' ? { updatedAt: a.updatedAt } : {}),
    };
  }

  async setStorm(key: string, ref: { channel: string; ts: string }, now: Date) {
    await this.update(stormKey(key), 'SET channel = :c, ts = :ts, updatedAt = :u', {
      ':c': ref.channel,
      ':ts': ref.ts,
      ':u': now.getTime(),
    });
  }
}

const toTicket = (item: Record<string, unknown>): TicketState => ({
  ...(typeof item.key === 'string' ? { key: item.key } : {}),
  ...(typeof item.url === 'string' ? { url: item.url } : {}),
  ...(item.lastOutcome ? { lastOutcome: item.lastOutcome as Outcome } : {}),
  ...(item.settings ? { settings: item.settings as NonNullable<NotifySettings['ticket']> } : {}),
});
