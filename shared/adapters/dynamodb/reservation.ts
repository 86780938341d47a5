import { timeLeft } from '#domain/guardrails/budget.js';
import type { RefusalCode, Reservation, ReservationRequest } from '#domain/ports.js';
import type { TransactWriteCommandInput } from './client/document-client.js';
import { BREAKER_SK, breakerKey, CONTROL_KEY } from './controls.js';

/** A claim whose holder died mid-action may be taken over after this long (Lambda's maximum run is 15 min). */
export const CLAIM_LEASE_SECONDS = 15 * 60;
/** Claims are kept past Alertmanager's longest sensible repeat_interval and Lambda's 6 h retry window. */
export const CLAIM_TTL_SECONDS = 30 * 24 * 3600;

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type ReservationCheck = {
  code: RefusalCode;
  item: TransactItem;
  budget?: ReservationRequest['budgets'][number];
};
const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * The items of one reservation transaction, each tagged with the refusal it stands for: kill switch, circuit
 * breaker, episode claim, target cooldown, then one counter per budget. All pass together or nothing is written.
 */
export const reservationChecks = (
  table: string,
  req: ReservationRequest,
  token: string,
  opts: { breakerMayHaveFailures?: boolean } = {},
): ReservationCheck[] => {
  const now = epochSeconds(req.now);
  const checks: ReservationCheck[] = [
    {
      code: 'paused',
      item: {
        ConditionCheck: {
          TableName: table,
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
                TableName: table,
                Key: { pk: breakerKey(req.policy), sk: BREAKER_SK },
                // Strict by default: closed AND no failures counted, so a success that passed it has no count
                // to reset (no breaker write after acting). A closed breaker with failures fails this check;
                // the ledger then retries with the plain check and resets the count after a success.
                ConditionExpression: opts.breakerMayHaveFailures
                  ? 'attribute_not_exists(pk) OR isOpen = :false'
                  : 'attribute_not_exists(pk) OR (isOpen = :false AND (attribute_not_exists(consecutiveFailures) OR consecutiveFailures = :zero))',
                ExpressionAttributeValues: opts.breakerMayHaveFailures
                  ? { ':false': false }
                  : { ':false': false, ':zero': 0 },
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
          TableName: table,
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
          TableName: table,
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
          TableName: table,
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
  return checks;
};

/** The refusal a failed check stands for, worded for the audit, from the item as it was (ALL_OLD). */
export const refusalFor = (
  check: { code: RefusalCode; budget?: ReservationRequest['budgets'][number] } | undefined,
  item: Record<string, unknown> | undefined,
  now: Date,
): Reservation => {
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
      return budgetRefusal({ until: budget.windowEnd, label: budget.label, limit: budget.limit }, now);
    }
    default:
      break;
  }
  return {
    reserved: false,
    code: 'duplicate',
    reason: `episode already handled by ${String(old.holder ?? 'another invocation')} at ${String(old.claimedAt ?? '?')}; not acting twice`,
  };
};

export const budgetRefusal = (e: { until: Date; label: string; limit: number }, now: Date): Reservation => ({
  reserved: false,
  code: 'budget-exhausted',
  reason: `budget exhausted: ${e.label} (resets in ${timeLeft(e.until, now)})`,
  until: e.until,
});

/** CancellationReasons[].Item comes back in DynamoDB's attribute-value form even through the document client. */
export const unmarshallLoose = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(item).map(([k, v]) => {
      const av = v as { S?: string; N?: string; BOOL?: boolean } | undefined;
      return [k, av && typeof av === 'object' ? (av.S ?? (av.N !== undefined ? Number(av.N) : av.BOOL)) : v];
    }),
  );
