import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '#domain/audit.js';
import type { Ledger, Reservation, ReservationRequest } from '#domain/ports.js';
import { targetRef } from '#domain/target/target.js';
import type { ActionTaken } from '#domain/verify/ports.js';
import {
  ConditionalCheckFailedException,
  DeleteCommand,
  type DocumentClient,
  PutCommand,
  type PutCommandInput,
  TransactionCanceledException,
  TransactWriteCommand,
  UpdateCommand,
} from './client/document-client.js';
import { BREAKER_SK, breakerKey } from './controls.js';
import {
  budgetRefusal,
  CLAIM_LEASE_SECONDS,
  CLAIM_TTL_SECONDS,
  type ReservationCheck,
  refusalFor,
  reservationChecks,
  type TransactItem,
  unmarshallLoose,
} from './reservation.js';
import { AUDIT_TTL_SECONDS, actionTakenUpdates, dayShard } from './state-keys.js';

export { CLAIM_LEASE_SECONDS, CLAIM_TTL_SECONDS };

/** Audit records written together in one transaction at most (DynamoDB allows 100 items and 4 MB). */
export const AUDIT_BATCH = 25;
/** Tries of a settle cancelled only by a concurrent write to one of its items (a racing resolve). */
const SETTLE_CONFLICT_ATTEMPTS = 3;

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
  /** Reservations that found failures on their policy's breaker: their success must reset the count. */
  private readonly resetOnSuccess = new Set<string>();
  /** Audit records waiting for the next write (see `audit`). */
  private queuedAudits: Array<{ put: PutCommandInput; done: (error?: unknown) => void }> = [];
  private flushScheduled = false;

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  async reserve(req: ReservationRequest): Promise<Reservation> {
    const remembered = req.budgets.map((b) => this.exhausted.get(b.key)).find((e) => e && e.until > req.now);
    if (remembered) return budgetRefusal(remembered, req.now);

    const token = randomUUID();
    const strict = await this.transact(req, token, reservationChecks(this.table, req, token));
    if (strict !== 'breaker-has-failures') return strict;
    // The breaker is closed but counts failures: reserve with the plain check; a success then resets the count.
    const plain = await this.transact(
      req,
      token,
      reservationChecks(this.table, req, token, { breakerMayHaveFailures: true }),
    );
    if (plain === 'breaker-has-failures')
      throw new Error('unreachable: the plain breaker check failed softly');
    if (plain.reserved) this.resetOnSuccess.add(token);
    return plain;
  }

  /** One reservation transaction; `breaker-has-failures` when only the strict breaker check refused it. */
  private async transact(
    req: ReservationRequest,
    token: string,
    checks: ReservationCheck[],
  ): Promise<Reservation | 'breaker-has-failures'> {
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
      // A closed breaker that only counts failures refuses nothing.
      const refusing = failed.filter(
        (x) =>
          x.check.code !== 'circuit-open' ||
          !x.reason?.Item ||
          unmarshallLoose(x.reason.Item).isOpen === true,
      );
      if (refusing.length === 0) return 'breaker-has-failures';
      const first = refusing[0];
      if (first?.check.code === 'budget-exhausted' && first.check.budget) {
        const { key, windowEnd, label, limit } = first.check.budget;
        this.exhausted.set(key, { until: windowEnd, label, limit });
      }
      return refusalFor(first?.check, first?.reason?.Item, req.now);
    }
  }

  async settle(
    episode: string,
    token: string,
    outcome: AuditRecord,
    opts: { actedFor?: string; remember?: ActionTaken } = {},
  ): Promise<void> {
    // One round trip for the claim's outcome, its audit record and, for an action, what verification needs:
    // none exists without the others.
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
      ...(opts.remember ? actionTakenUpdates(this.table, opts.remember).map((Update) => ({ Update })) : []),
    ];
    try {
      await this.transactRetryingConflicts(items);
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new ConditionalCheckFailedException(
          'ConditionalCheckFailedException',
          `The conditional request failed: claim ${episode} is not held with this token`,
          400,
          {},
        );
      }
      throw error;
    }
    // Only a reservation that saw failures counted has a count to reset: the usual success writes nothing more.
    if (this.resetOnSuccess.delete(token) && opts.actedFor) await this.resetBreaker(opts.actedFor);
  }

  /**
   * The settle's items are the episode's own, but a resolve of the same episode may update ACTION#<episode> at
   * that very moment: DynamoDB then cancels the transaction with TransactionConflict and writes nothing. The
   * claim is still ours, so trying again is safe; a few quick tries instead of failing the invocation.
   */
  private async transactRetryingConflicts(items: TransactItem[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const conflict =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
          !(error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
        if (!conflict || attempt >= SETTLE_CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  /**
   * A success resets the policy's failure count. Kept out of the settle transaction on purpose: every success
   * of a policy touches this one item, and inside transactions that would conflict with every reservation's
   * breaker check. Conditional, so a count another success already reset costs no item write. Called only
   * after a reservation that found failures (see `reserve`): a failure counted by a concurrent invocation
   * while this action ran is not wiped by this success, which errs towards opening the breaker.
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
      // Best effort: the action and its record are already durable. A reset that fails (throttled, 5xx) only
      // leaves the count where it was, which errs towards opening the breaker; it must never fail the settle.
      .catch(() => undefined);
  }

  async release(episode: string, token: string, cooldownKey: string): Promise<void> {
    this.resetOnSuccess.delete(token);
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

  /**
   * Resolves once the record is durable. Records audited in the same turn of the event loop (a storm's budget
   * skips, which the use case does not wait for one by one) are written together: one conditional put each,
   * up to AUDIT_BATCH per TransactWriteItems (IAM authorises its items as PutItem; unlike BatchWriteItem it
   * keeps the condition). A lone record is one PutItem, as before.
   */
  audit(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queuedAudits.push({ put: this.auditPut(record), done: (e) => (e ? reject(e) : resolve()) });
      if (this.queuedAudits.length >= AUDIT_BATCH) this.flushAudits();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flushAudits();
        });
      }
    });
  }

  private flushAudits(): void {
    while (this.queuedAudits.length > 0) {
      const batch = this.queuedAudits.splice(0, AUDIT_BATCH);
      const [only] = batch;
      const written =
        batch.length === 1 && only
          ? this.client.send(new PutCommand(only.put))
          : this.client.send(new TransactWriteCommand({ TransactItems: batch.map((b) => ({ Put: b.put })) }));
      written.then(
        () => {
          for (const b of batch) b.done();
        },
        (error: unknown) => {
          for (const b of batch) b.done(error ?? new Error('audit write failed'));
        },
      );
    }
  }

  /** AUDIT#<cluster/ns/Kind/name> (or alert/<alertname>), sorted by time, indexed by sharded day. */
  private auditPut(record: AuditRecord): PutCommandInput & { Item: Record<string, unknown> } {
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
