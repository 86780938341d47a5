import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '#adapters/dynamodb/client/document-client.js';
import { type AuditRecord, OUTCOMES, type Outcome } from '#domain/audit.js';
import type { NotifyState, ThreadState } from '#domain/notify/ports.js';
import {
  ignoreConditionFailed,
  NOTIFY_CLAIM_STALE_SECONDS,
  NOTIFY_TTL_SECONDS,
  seconds,
} from './dynamo-notify-items.js';
import { DynamoTicketState } from './dynamo-ticket-state.js';

export { NOTIFY_CLAIM_STALE_SECONDS, NOTIFY_TTL_SECONDS } from './dynamo-notify-items.js';

const threadKey = (group: string) => ({ pk: `NOTIFY#${group}`, sk: 'SLACK' });

/**
 * The notifier's items in the state table: NOTIFY#<group>/SLACK (thread channel + ts, parent facts, tally) and
 * NOTIFY#<group>/FAILURE#<at> (a notification not delivered), plus tickets and storms (DynamoTicketState).
 */
export class DynamoNotifyState extends DynamoTicketState implements NotifyState {
  async claimThread(group: string, channel: string, parent: AuditRecord, now: Date) {
    const claimed = await this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...threadKey(group),
          channel,
          ts: '',
          claimedAt: seconds(now),
          parent,
          ...tallyItem(parent.outcome),
          expiresAt: seconds(now) + NOTIFY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (ts = :empty AND claimedAt < :stale)',
        ExpressionAttributeValues: { ':empty': '', ':stale': seconds(now) - NOTIFY_CLAIM_STALE_SECONDS },
      }),
    );
    return claimed ? undefined : ((await this.getThread(group)) ?? undefined);
  }

  async setThread(group: string, ref: { channel: string; ts: string }) {
    await this.update(threadKey(group), 'SET channel = :c, ts = :ts', { ':c': ref.channel, ':ts': ref.ts });
  }

  async releaseThread(group: string) {
    await this.client
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: threadKey(group),
          ConditionExpression: 'ts = :empty',
          ExpressionAttributeValues: { ':empty': '' },
        }),
      )
      .catch(ignoreConditionFailed);
  }

  async getThread(group: string): Promise<ThreadState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: threadKey(group), ConsistentRead: true }),
    );
    return Item ? toThread(Item) : undefined;
  }

  async recordEvent(group: string, parent: AuditRecord, outcome: Outcome): Promise<ThreadState> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: threadKey(group),
        UpdateExpression: 'SET parent = :p, #n = if_not_exists(#n, :zero) + :one',
        ExpressionAttributeNames: { '#n': `tally_${outcome}` },
        ExpressionAttributeValues: { ':p': parent, ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toThread(Attributes ?? {});
  }

  async linkTicket(group: string, ticket: { key: string; url: string }) {
    await this.update(threadKey(group), 'SET ticket = :t', { ':t': ticket });
  }

  async recordFailure(group: string, failure: { at: string; sinks: string[]; error: string }) {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `NOTIFY#${group}`,
          sk: `FAILURE#${failure.at}`,
          ...failure,
          expiresAt: seconds(new Date(failure.at)) + NOTIFY_TTL_SECONDS,
        },
      }),
    );
  }
}

const tallyItem = (outcome: Outcome) => ({ [`tally_${outcome}`]: 1 });

const toThread = (item: Record<string, unknown>): ThreadState => ({
  channel: String(item.channel ?? ''),
  ts: String(item.ts ?? ''),
  parent: item.parent as AuditRecord,
  tally: Object.fromEntries(
    OUTCOMES.filter((o) => typeof item[`tally_${o}`] === 'number').map((o) => [
      o,
      item[`tally_${o}`] as number,
    ]),
  ),
  ...(item.ticket ? { ticket: item.ticket as { key: string; url: string } } : {}),
});
