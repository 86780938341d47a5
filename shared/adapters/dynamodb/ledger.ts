import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#domain/audit.js';
import { timeLeft } from '#domain/guardrails/budget.js';
import type { Ledger, RefusalCode, Reservation, ReservationRequest } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';
import { BREAKER_SK, breakerKey, CONTROL_KEY } from './controls.js';

/** A claim whose holder died mid-action may be taken over after this long (Lambda's maximum run is 15 min). */
export const CLAIM_LEASE_SECONDS = 15 * 60;
/** Claims are kept past Alertmanager's longest sensible repeat_interval and Lambda's 6 h retry window. */
export const CLAIM_TTL_SECONDS = 30 * 24 * 3600;
export const AUDIT_TTL_SECONDS = 400 * 24 * 3600;
/** Recent decisions across targets are spread over this many day partitions to avoid a hot key in a storm. */
export const DAY_SHARDS = 8;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const epochSeconds = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

/**
 * The state table. Claims (ALERT#<episode>), cooldowns (TARGET#<ref>), budget windows (RATE#…), the kill
 * switch (CONTROL#global) and circuit breakers (BREAKER#<policy>) are checked and taken in ONE transaction per
 * action, so concurrent Lambda instances can never both pass; audit records go to AUDIT#<cluster/ns/Kind/name>
 * with a sharded DAY#<date>#<n> index for "recent decisions"; dead letters to DEADLETTER#<date>#<n>.
 */
export class DynamoLedger implements Ledger {
  /** Budgets known to be exhausted until their window ends: a storm stops hammering the counter. */
  private readonly exhausted = new Map<string, { until: Date; label: string; limit: number }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async reserve(req: ReservationRequest): Promise<Reservation> {
    const remembered = req.budgets.map((b) => this.exhausted.get(b.key)).find((e) => e && e.until > req.now);
    if (remembered) return budgetRefusal(remembered, req.now);

    const token = randomUUID();
    const now = epochSeconds(req.now);
    const checks: Array<{ code: RefusalCode; item: TransactItem; budget?: (typeof req.budgets)[number] }> = [
      {
        code: 'paused',
        item: {
          ConditionCheck: {
            TableName: this.table,
            Key: CONTROL_KEY,
            ConditionExpression: 'attribute_not_exists(pk) OR paused = :false',
            ExpressionAttributeValues: { ':false': false },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      },
      ...(req.checkBreaker
        ? [
            {
              code: 'circuit-open' as const,
              item: {
                ConditionCheck: {
                  TableName: this.table,
                  Key: { pk: breakerKey(req.policy), sk: BREAKER_SK },
                  ConditionExpression: 'attribute_not_exists(pk) OR isOpen = :false',
                  ExpressionAttributeValues: { ':false': false },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                },
              },
            },
          ]
        : []),
      {
        code: 'duplicate',
        item: {
          Put: {
            TableName: this.table,
            Item: {
              pk: `ALERT#${req.episode}`,
              sk: 'CLAIM',
              state: 'in-progress',
              holder: req.holder,
              token,
              claimedAt: req.now.toISOString(),
              leaseUntil: now + CLAIM_LEASE_SECONDS,
              expiresAt: now + CLAIM_TTL_SECONDS,
            },
            // Free, or held by someone whose lease ran out before they settled.
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      },
    ];
    if (req.cooldown.seconds > 0) {
      checks.push({
        code: 'cooldown',
        item: {
          Update: {
            TableName: this.table,
            Key: { pk: req.cooldown.key, sk: 'COOLDOWN' },
            UpdateExpression:
              'SET cooldownUntil = :until, episode = :episode, #token = :token, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(cooldownUntil) OR cooldownUntil <= :now',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: {
              ':until': now + req.cooldown.seconds,
              ':now': now,
              ':episode': req.episode,
              ':token': token,
              ':expires': now + req.cooldown.seconds + 3600,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      });
    }
    for (const budget of req.budgets) {
      checks.push({
        code: 'budget-exhausted',
        budget,
        item: {
          Update: {
            TableName: this.table,
            Key: { pk: budget.key, sk: 'BUDGET' },
            UpdateExpression: 'ADD used :one SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': budget.limit,
              ':expires': epochSeconds(budget.windowEnd) + 3600,
            },
          },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: checks.map((c) => c.item) }));
      return { reserved: true, token };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = checks
        .map((check, i) => ({ check, reason: reasons[i] }))
        .filter((x) => x.reason?.Code === 'ConditionalCheckFailed');
      // Another transaction touched the same items at the same moment: treat as contention, retryable.
      if (failed.length === 0) throw error;
      return this.refusal(failed[0]?.check ?? checks[0], failed[0]?.reason?.Item, req.now);
    }
  }

  private refusal(
    check: { code: RefusalCode; budget?: ReservationRequest['budgets'][number] } | undefined,
    item: Record<string, unknown> | undefined,
    now: Date,
  ): Reservation {
    const old = item ? unmarshallLoose(item) : {};
    switch (check?.code) {
      case 'paused':
        return {
          reserved: false,
          code: 'paused',
          reason: `remedy is paused (kill switch) by ${String(old.by ?? 'an operator')}: ${String(old.reason ?? 'no reason given')}`,
        };
      case 'circuit-open':
        return {
          reserved: false,
          code: 'circuit-open',
          reason: `policy circuit breaker is open since ${String(old.openedAt ?? '?')} (${String(old.reason ?? '')}); resume it with \`remedy breaker resume\``,
        };
      case 'cooldown': {
        const until = new Date(Number(old.cooldownUntil ?? 0) * 1000);
        return {
          reserved: false,
          code: 'cooldown',
          reason: `target is cooling down for ${timeLeft(until, now)} more (acted on for episode ${String(old.episode ?? '?')})`,
          until,
        };
      }
      case 'budget-exhausted': {
        const budget = check.budget;
        if (!budget) break;
        const entry = { until: budget.windowEnd, label: budget.label, limit: budget.limit };
        this.exhausted.set(budget.key, entry);
        return budgetRefusal(entry, now);
      }
      default:
        break;
    }
    return {
      reserved: false,
      code: 'duplicate',
      reason: `episode already handled by ${String(old.holder ?? 'another invocation')} at ${String(old.claimedAt ?? '?')}; not acting twice`,
    };
  }

  async settle(
    episode: string,
    token: string,
    outcome: AuditRecord,
    opts: { actedFor?: string } = {},
  ): Promise<void> {
    // One round trip for the claim's outcome and its audit record: neither exists without the other.
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: { pk: `ALERT#${episode}`, sk: 'CLAIM' },
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
        },
      },
      { Put: this.auditPut(outcome) },
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new ConditionalCheckFailedException({
          message: `The conditional request failed: claim ${episode} is not held with this token`,
          $metadata: {},
        });
      }
      throw error;
    }
    if (opts.actedFor) await this.resetBreaker(opts.actedFor);
  }

  /**
   * A success resets the policy's failure count. Kept out of the settle transaction on purpose: every success
   * of a policy touches this one item, and inside transactions that would conflict with every reservation's
   * breaker check. Conditional, so a policy without recent failures costs no item write.
   */
  private async resetBreaker(policy: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: breakerKey(policy), sk: BREAKER_SK },
          UpdateExpression: 'SET consecutiveFailures = :zero',
          ConditionExpression: 'consecutiveFailures > :zero AND isOpen = :false',
          ExpressionAttributeValues: { ':zero': 0, ':false': false },
        }),
      )
      .catch((e: unknown) => {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      });
  }

  async release(episode: string, token: string, cooldownKey: string): Promise<void> {
    const mine = { ConditionExpression: '#token = :token', ExpressionAttributeNames: { '#token': 'token' } };
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `ALERT#${episode}`, sk: 'CLAIM' },
          ...mine,
          ExpressionAttributeValues: { ':token': token },
        }),
      );
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: cooldownKey, sk: 'COOLDOWN' },
          UpdateExpression: 'REMOVE cooldownUntil',
          ...mine,
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      // Someone took over an expired lease, or the cooldown was never taken: nothing of ours remains.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recordFailure(policy: string, threshold: number, now: Date): Promise<{ opened: boolean }> {
    const Key = { pk: breakerKey(policy), sk: BREAKER_SK };
    const counted = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key,
        UpdateExpression:
          'ADD consecutiveFailures :one SET isOpen = if_not_exists(isOpen, :false), policy = :policy',
        ExpressionAttributeValues: { ':one': 1, ':false': false, ':policy': policy },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const failures = Number(counted.Attributes?.consecutiveFailures ?? 0);
    if (failures < threshold || counted.Attributes?.isOpen === true) return { opened: false };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: 'SET isOpen = :true, openedAt = :at, reason = :reason',
          ConditionExpression: 'isOpen = :false',
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':at': now.toISOString(),
            ':reason': `${failures} consecutive failed actions`,
          },
        }),
      );
      return { opened: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { opened: false };
      throw error;
    }
  }

  async audit(record: AuditRecord): Promise<void> {
    await this.client.send(new PutCommand(this.auditPut(record)));
  }

  /** AUDIT#<cluster/ns/Kind/name> (or alert/<alertname>), sorted by time, indexed by sharded day. */
  private auditPut(record: AuditRecord) {
    const subject = record.target ? targetRef(record.target) : `alert/${record.alertname ?? 'unparsed'}`;
    const sk = `${record.at}#${randomUUID().slice(0, 8)}`;
    return {
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
    };
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

const budgetRefusal = (e: { until: Date; label: string; limit: number }, now: Date): Reservation => ({
  reserved: false,
  code: 'budget-exhausted',
  reason: `budget exhausted: ${e.label} (resets in ${timeLeft(e.until, now)})`,
  until: e.until,
});

/** CancellationReasons[].Item comes back in DynamoDB's attribute-value form even through the document client. */
const unmarshallLoose = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(item).map(([k, v]) => {
      const av = v as { S?: string; N?: string; BOOL?: boolean } | undefined;
      return [k, av && typeof av === 'object' ? (av.S ?? (av.N !== undefined ? Number(av.N) : av.BOOL)) : v];
    }),
  );

/** `<prefix>#<yyyy-mm-dd>#<0..DAY_SHARDS-1>`, the shard picked from a stable hash of `spreadBy`. */
export const dayShard = (prefix: string, iso: string, spreadBy: string): string => {
  let hash = 0;
  for (let i = 0; i < spreadBy.length; i++) hash = (hash * 31 + spreadBy.charCodeAt(i)) >>> 0;
  return `${prefix}#${iso.slice(0, 10)}#${hash % DAY_SHARDS}`;
};
