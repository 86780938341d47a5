import { randomUUID } from 'node:crypto';
import type { AuditRecord, VerifyOutcome } from '#domain/audit.js';
import { targetRef } from '#domain/target/target.js';
import { secondsBetween } from '#domain/verify/outcome.js';
import type {
  ActionFacts,
  ActionTaken,
  OutcomeEntry,
  VerdictRecord,
  VerificationStore,
} from '#domain/verify/ports.js';
import {
  ConditionalCheckFailedException,
  type DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteCommand,
  UpdateCommand,
} from './client/document-client.js';
import { BREAKER_SK, breakerKey } from './controls.js';
import { actionKey, actionTakenUpdates, dayShard, expiresAt, outcomeKey } from './state-keys.js';

/** One small item per policy that ever acted, so `remedy stats` without --policy knows whom to ask. */
const INDEX_PK = 'OUTCOMES#index';

/**
 * Verification and effectiveness in the state table:
 * - ACTION#<episode>/VERIFY: the action (policy, time), the resolve, the verdict: the followup's idempotency key;
 * - OUTCOMES#<policy>/<actedAt>#<episode>: one line per action for `remedy stats` (one Query per policy).
 *   A policy partition is written at most as often as the policy acts, and that is budgeted (maxActions), so
 *   it never runs hot, even in an alert storm;
 * - OUTCOMES#index/<policy>: the policies that acted;
 * - BREAKER#<policy>: a quarantine opens the policy's circuit breaker (`remedy breaker resume` lifts it).
 */
export class DynamoOutcomes implements VerificationStore {
  /** Policies this container has put in the index: one write per policy and container, not one per action. */
  private readonly indexed = new Set<string>();

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  async actionTaken(a: ActionTaken): Promise<void> {
    await Promise.all([
      ...actionTakenUpdates(this.table, a).map((u) => this.client.send(new UpdateCommand(u))),
      this.policyActed(a.policy, a.actedAt),
    ]);
  }

  async policyActed(policy: string, actedAt: string): Promise<void> {
    if (this.indexed.has(policy)) return;
    await this.client
      .send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: INDEX_PK, sk: policy, policy, firstSeenActingAt: actedAt },
          // The first action of a policy is the one worth keeping; later containers write nothing new.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    this.indexed.add(policy);
  }

  async resolution(episode: string, resolvedAt: string) {
    // The first resolve counts; a repeat (Alertmanager HA, SNS redelivery) changes nothing. Written even when
    // no action is recorded yet: the action may be between its DELETE and actionTaken, which keeps this value.
    // Without an action the item expires within a day.
    const { Attributes: attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: actionKey(episode),
        UpdateExpression:
          'SET resolvedAt = if_not_exists(resolvedAt, :r), expiresAt = if_not_exists(expiresAt, :ttl)',
        ExpressionAttributeValues: {
          ':r': resolvedAt,
          ':ttl': Math.floor(Date.parse(resolvedAt) / 1000) + 86_400,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const facts = toFacts(episode, attributes ?? {});
    if (!facts?.resolvedAt) return undefined; // remedy never acted on it (so far)
    const resolvedAfterSeconds = secondsBetween(facts.actedAt, facts.resolvedAt);
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: outcomeKey(facts.policy, facts.actedAt, episode),
        UpdateExpression: 'SET resolvedAfterSeconds = if_not_exists(resolvedAfterSeconds, :s)',
        ExpressionAttributeValues: { ':s': resolvedAfterSeconds },
      }),
    );
    return { ...facts, resolvedAt: facts.resolvedAt };
  }

  async action(episode: string): Promise<ActionFacts | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: actionKey(episode), ConsistentRead: true }),
    );
    return Item ? toFacts(episode, Item) : undefined;
  }

  async recordVerdict(v: VerdictRecord): Promise<'recorded' | 'duplicate'> {
    const recovery = v.secondsToRecovery !== undefined ? { ':s': v.secondsToRecovery } : {};
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: actionKey(v.episode),
                UpdateExpression:
                  'SET verdict = :v, verifiedAt = :at, policy = :p, actedAt = :acted, target = :t, expiresAt = :ttl',
                // One verdict per action: a redelivered followup finds it and writes nothing.
                ConditionExpression: 'attribute_not_exists(verdict)',
                ExpressionAttributeValues: {
                  ':v': v.verdict,
                  ':at': v.at,
                  ':p': v.policy,
                  ':acted': v.actedAt,
                  ':t': v.target,
                  ':ttl': expiresAt(v.actedAt),
                },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: outcomeKey(v.policy, v.actedAt, v.episode),
                UpdateExpression: `SET outcome = :v, verifiedAt = :at, policy = :p, episode = :e, actedAt = :acted, target = :t, expiresAt = :ttl${v.secondsToRecovery !== undefined ? ', secondsToRecovery = :s' : ''}`,
                ExpressionAttributeValues: {
                  ':v': v.verdict,
                  ':at': v.at,
                  ':p': v.policy,
                  ':e': v.episode,
                  ':acted': v.actedAt,
                  ':t': v.target,
                  ':ttl': expiresAt(v.actedAt),
                  ...recovery,
                },
              },
            },
            { Put: auditPut(this.table, v.audit) },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return 'duplicate';
      throw error;
    }
  }

  async countNotRecovered(
    policy: string,
    since: { verifiedSince: string; actedSince: string },
  ): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk >= :acted',
          FilterExpression: 'outcome = :nr AND verifiedAt >= :verified',
          ExpressionAttributeValues: {
            ':pk': `OUTCOMES#${policy}`,
            ':acted': since.actedSince,
            ':verified': since.verifiedSince,
            ':nr': 'not-recovered',
          },
          Select: 'COUNT',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async resumedAt(policy: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: breakerKey(policy), sk: BREAKER_SK },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.resumedAt === 'string' ? Item.resumedAt : undefined;
  }

  async quarantine(policy: string, reason: string, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: breakerKey(policy), sk: BREAKER_SK },
          // The circuit breaker's own fields, so every reservation refuses the policy and the CLI resumes it.
          UpdateExpression:
            'SET isOpen = :true, quarantined = :true, openedAt = :at, reason = :reason, policy = :policy, consecutiveFailures = if_not_exists(consecutiveFailures, :zero)',
          ConditionExpression: 'attribute_not_exists(isOpen) OR isOpen = :false',
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':at': now.toISOString(),
            ':reason': reason,
            ':policy': policy,
            ':zero': 0,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async entries(policy: string, since: string, until?: string): Promise<OutcomeEntry[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: until
            ? 'pk = :pk AND sk BETWEEN :since AND :until'
            : 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: {
            ':pk': `OUTCOMES#${policy}`,
            ':since': since,
            ...(until ? { ':until': until } : {}),
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.map((i) => toEntry(policy, i));
  }

  async policies(): Promise<string[]> {
    const names: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': INDEX_PK },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      names.push(...(page.Items ?? []).map((i) => String(i.sk)));
      start = page.LastEvaluatedKey;
    } while (start);
    return names;
  }
}

const VERDICTS = new Set<string>(['recovered', 'not-recovered', 'inconclusive']);
const verdictOf = (v: unknown): VerifyOutcome | undefined =>
  typeof v === 'string' && VERDICTS.has(v) ? (v as VerifyOutcome) : undefined;
const numberOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const toFacts = (episode: string, item: Record<string, unknown>): ActionFacts | undefined => {
  if (typeof item.policy !== 'string' || typeof item.actedAt !== 'string') return undefined;
  const verdict = verdictOf(item.verdict);
  return {
    episode,
    policy: item.policy,
    actedAt: item.actedAt,
    ...(typeof item.resolvedAt === 'string' ? { resolvedAt: item.resolvedAt } : {}),
    ...(verdict ? { verdict } : {}),
  };
};

const toEntry = (policy: string, i: Record<string, unknown>): OutcomeEntry => {
  const outcome = verdictOf(i.outcome);
  const resolvedAfterSeconds = numberOf(i.resolvedAfterSeconds);
  const secondsToRecovery = numberOf(i.secondsToRecovery);
  return {
    policy,
    episode: String(i.episode ?? ''),
    actedAt: String(i.actedAt ?? ''),
    ...(typeof i.target === 'string' ? { target: i.target } : {}),
    ...(outcome ? { outcome } : {}),
    ...(resolvedAfterSeconds !== undefined ? { resolvedAfterSeconds } : {}),
    ...(secondsToRecovery !== undefined ? { secondsToRecovery } : {}),
    ...(typeof i.verifiedAt === 'string' ? { verifiedAt: i.verifiedAt } : {}),
  };
};

/**
 * The audit item exactly as the ledger writes it (AUDIT#<target>, sorted by time, on the sharded `recent`
 * index), so the verdict lands in the same transaction as the record that makes it idempotent.
 */
const auditPut = (table: string, record: AuditRecord) => {
  const subject = record.target ? targetRef(record.target) : `alert/${record.alertname ?? 'unparsed'}`;
  const sk = `${record.at}#${randomUUID().slice(0, 8)}`;
  return {
    TableName: table,
    Item: {
      pk: `AUDIT#${subject}`,
      sk,
      gsi1pk: dayShard('DAY', record.at, subject),
      gsi1sk: sk,
      ...record,
      expiresAt: expiresAt(record.at),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
};
