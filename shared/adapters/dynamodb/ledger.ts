import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#domain/audit.js';
import type { Claim, Ledger } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';

/** A claim whose holder died mid-action may be taken over after this long (Lambda's maximum run is 15 min). */
export const CLAIM_LEASE_SECONDS = 15 * 60;
/** Claims are kept past Alertmanager's longest sensible repeat_interval and Lambda's 6 h retry window. */
export const CLAIM_TTL_SECONDS = 30 * 24 * 3600;
export const AUDIT_TTL_SECONDS = 400 * 24 * 3600;
/** Recent decisions across targets are spread over this many day partitions to avoid a hot key in a storm. */
export const DAY_SHARDS = 8;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The state table: claims (ALERT#<episode>#<mode>), audit (AUDIT#<cluster/ns/Kind/name> sorted by time, with a
 * sharded DAY#<date>#<n> index for "recent decisions"), dead letters (DEADLETTER#<date>#<n>).
 * Every write that decides something is a conditional write: no read-then-write.
 */
export class DynamoLedger implements Ledger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(key: string, holder: string, now: Date): Promise<Claim> {
    const token = randomUUID();
    const at = now.toISOString();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `ALERT#${key}`,
            sk: 'CLAIM',
            state: 'in-progress',
            holder,
            token,
            claimedAt: at,
            leaseUntil: nowSeconds + CLAIM_LEASE_SECONDS,
            expiresAt: nowSeconds + CLAIM_TTL_SECONDS,
          },
          // Free, or held by someone whose lease ran out before they settled.
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': nowSeconds },
        }),
      );
      return { claimed: true, token };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: `ALERT#${key}`, sk: 'CLAIM' },
          ConsistentRead: true,
        }),
      );
      return {
        claimed: false,
        holder: String(current.Item?.holder ?? 'unknown'),
        at: String(current.Item?.claimedAt ?? 'unknown'),
      };
    }
  }

  async settle(key: string, token: string, outcome: AuditRecord): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `ALERT#${key}`, sk: 'CLAIM' },
        UpdateExpression: 'SET #state = :settled, outcome = :outcome, code = :code, settledAt = :at',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
        ExpressionAttributeValues: {
          ':settled': 'settled',
          ':outcome': outcome.outcome,
          ':code': outcome.code,
          ':at': outcome.at,
          ':token': token,
        },
      }),
    );
    await this.audit(outcome);
  }

  async release(key: string, token: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `ALERT#${key}`, sk: 'CLAIM' },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      // Someone took over an expired lease: it is theirs now, and nothing of ours remains to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async audit(record: AuditRecord): Promise<void> {
    const subject = record.target ? targetRef(record.target) : `alert/${record.alertname ?? 'unparsed'}`;
    const sk = `${record.at}#${randomUUID().slice(0, 8)}`;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `AUDIT#${subject}`,
          sk,
          gsi1pk: dayShard('DAY', record.at, subject),
          gsi1sk: sk,
          ...record,
          expiresAt: epochSeconds(record.at) + AUDIT_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async deadLetter(entry: {
    at: string;
    reason: string;
    code: string;
    messageId: string;
    message: string;
  }): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: dayShard('DEADLETTER', entry.at, entry.messageId),
          sk: `${entry.at}#${entry.messageId}`,
          ...entry,
          expiresAt: epochSeconds(entry.at) + AUDIT_TTL_SECONDS,
        },
      }),
    );
  }
}

/** `<prefix>#<yyyy-mm-dd>#<0..DAY_SHARDS-1>`, the shard picked from a stable hash of `spreadBy`. */
export const dayShard = (prefix: string, iso: string, spreadBy: string): string => {
  let hash = 0;
  for (let i = 0; i < spreadBy.length; i++) hash = (hash * 31 + spreadBy.charCodeAt(i)) >>> 0;
  return `${prefix}#${iso.slice(0, 10)}#${hash % DAY_SHARDS}`;
};
