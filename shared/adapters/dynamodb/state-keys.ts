// Key schemes and retention of the state table that more than one adapter writes (the ledger's settle writes
// the verification items of an action in its transaction).
import type { ActionTaken } from '#domain/verify/ports.js';
import type { UpdateCommandInput } from './client/document-client.js';

export const AUDIT_TTL_SECONDS = 400 * 24 * 3600;
/** Recent decisions across targets are spread over this many day partitions to avoid a hot key in a storm. */
export const DAY_SHARDS = 8;

/** `<prefix>#<yyyy-mm-dd>#<0..DAY_SHARDS-1>`, the shard picked from a stable hash of `spreadBy`. */
export const dayShard = (prefix: string, iso: string, spreadBy: string): string => {
  let hash = 0;
  for (let i = 0; i < spreadBy.length; i++) hash = (hash * 31 + spreadBy.charCodeAt(i)) >>> 0;
  return `${prefix}#${iso.slice(0, 10)}#${hash % DAY_SHARDS}`;
};

export const actionKey = (episode: string) => ({ pk: `ACTION#${episode}`, sk: 'VERIFY' });
export const outcomeKey = (policy: string, actedAt: string, episode: string) => ({
  pk: `OUTCOMES#${policy}`,
  sk: `${actedAt}#${episode}`,
});
export const expiresAt = (iso: string) => Math.floor(Date.parse(iso) / 1000) + AUDIT_TTL_SECONDS;

/**
 * The items that remember an action: ACTION#<episode> (a resolve may have raced ahead: its fields are kept) and
 * the policy's effectiveness line. The ledger writes them in its settle transaction, with the outcome.
 */
export const actionTakenUpdates = (table: string, a: ActionTaken): UpdateCommandInput[] => {
  const ttl = expiresAt(a.actedAt);
  return [
    {
      TableName: table,
      Key: actionKey(a.episode),
      UpdateExpression: 'SET policy = :p, actedAt = :at, target = :t, expiresAt = :ttl',
      ExpressionAttributeValues: { ':p': a.policy, ':at': a.actedAt, ':t': a.target, ':ttl': ttl },
    },
    {
      TableName: table,
      Key: outcomeKey(a.policy, a.actedAt, a.episode),
      UpdateExpression: 'SET policy = :p, episode = :e, actedAt = :at, target = :t, expiresAt = :ttl',
      ExpressionAttributeValues: {
        ':p': a.policy,
        ':e': a.episode,
        ':at': a.actedAt,
        ':t': a.target,
        ':ttl': ttl,
      },
    },
  ];
};
