// Reads audit records back out of the state table, read-only: one target's history (AUDIT#<target>, sorted by
// time) or every decision of a time span through the sharded `recent` index (DAY#<date>#<shard>, see ledger.ts).

import { z } from 'zod';
import { type AuditRecord, OUTCOMES } from '#domain/audit.js';
import { type DocumentClient, paginateQuery } from './client/document-client.js';
import { DAY_SHARDS } from './state-keys.js';

/** The index the ledger writes every audit record to (infra/resources/tables.yml). */
export const RECENT_INDEX = 'recent';

export interface AuditQuery {
  /** Records decided at or after this instant. */
  readonly since: Date;
  /** …and at or before this one; default: no upper bound (now). */
  readonly until?: Date;
  /** Only records of this policy (checked by DynamoDB as a filter: the scan still reads the whole span). */
  readonly policy?: string;
  /** One target's history, `cluster/namespace/Kind/name` (or `alert/<alertname>` for records without one). */
  readonly target?: string;
  /** Stop after this many records. */
  readonly limit?: number;
  /** Default oldest first; newest first with a limit gives "the last N decisions". */
  readonly order?: 'oldest-first' | 'newest-first';
  /** Called after each page read, for progress on long scans: items read so far and the day being read. */
  readonly onProgress?: (progress: { readonly scanned: number; readonly day?: string }) => void;
  /** Called for an item that is not an audit record remedy wrote (kept out of the results). */
  readonly onInvalid?: (item: Record<string, unknown>, problem: string) => void;
}

// Only the fields every record has are required; the rest (target, plan, alert…) is passed through as written.
const recordSchema = z
  .object({
    at: z.string().min(20),
    outcome: z.enum(OUTCOMES),
    code: z.string(),
    reason: z.string(),
  })
  .loose();

/** The table's own attributes, not part of the record. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'expiresAt'] as const;

/**
 * Audit records decided in [since, until], in time order. Without `target` it reads each day's DAY_SHARDS index
 * partitions and merges them page by page, so memory stays at one page per shard however long the span.
 */
export async function* readRecentAudit(
  doc: DocumentClient,
  stateTable: string,
  query: AuditQuery,
): AsyncIterable<AuditRecord> {
  const newestFirst = query.order === 'newest-first';
  const from = query.since.toISOString();
  // sk is `<at>#<random>`: the upper bound sorts after every suffix of the last instant.
  const to = `${query.until?.toISOString() ?? '9999-12-31T23:59:59.999Z'}#~`;
  if (from > to) return;
  let scanned = 0;
  let yielded = 0;
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;

  const pages = (input: { index?: string; pkName: string; skName: string; pk: string }) =>
    paginateQuery(
      { client: doc, pageSize: 500 },
      {
        TableName: stateTable,
        ...(input.index === undefined ? {} : { IndexName: input.index }),
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ...(query.policy === undefined ? {} : { FilterExpression: '#policy = :policy' }),
        ExpressionAttributeNames: {
          '#pk': input.pkName,
          '#sk': input.skName,
          ...(query.policy === undefined ? {} : { '#policy': 'policy' }),
        },
        ExpressionAttributeValues: {
          ':pk': input.pk,
          ':from': from,
          ':to': to,
          ...(query.policy === undefined ? {} : { ':policy': query.policy }),
        },
        ScanIndexForward: !newestFirst,
      },
    );

  async function* items(
    source: ReturnType<typeof pages>,
    day?: string,
  ): AsyncGenerator<Record<string, unknown>> {
    for await (const page of source) {
      scanned += page.ScannedCount ?? 0;
      query.onProgress?.({ scanned, ...(day === undefined ? {} : { day }) });
      yield* page.Items ?? [];
    }
  }

  const streams: Array<AsyncIterable<Record<string, unknown>>> = [];
  if (query.target !== undefined) {
    streams.push(items(pages({ pkName: 'pk', skName: 'sk', pk: `AUDIT#${query.target}` })));
  } else {
    for (const day of days(query.since, query.until ?? new Date(), newestFirst)) {
      const shards = Array.from({ length: DAY_SHARDS }, (_, shard) =>
        items(
          pages({ index: RECENT_INDEX, pkName: 'gsi1pk', skName: 'gsi1sk', pk: `DAY#${day}#${shard}` }),
          day,
        ),
      );
      streams.push(merge(shards, newestFirst));
    }
  }
  for (const stream of streams) {
    for await (const item of stream) {
      const record = toRecord(item);
      if (!record.ok) {
        query.onInvalid?.(item, record.problem);
        continue;
      }
      yield record.record;
      if (++yielded >= limit) return;
    }
  }
}

function toRecord(
  item: Record<string, unknown>,
): { ok: true; record: AuditRecord } | { ok: false; problem: string } {
  const parsed = recordSchema.safeParse(item);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid' };
  const record: Record<string, unknown> = { ...parsed.data };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return { ok: true, record: record as unknown as AuditRecord };
}

/** UTC dates (yyyy-mm-dd) from `since` to `until`, both included. */
export function days(since: Date, until: Date, newestFirst = false): string[] {
  const out: string[] = [];
  const end = until.toISOString().slice(0, 10);
  for (
    let d = new Date(`${since.toISOString().slice(0, 10)}T00:00:00Z`);
    ;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const day = d.toISOString().slice(0, 10);
    if (day > end) break;
    out.push(day);
  }
  return newestFirst ? out.reverse() : out;
}

/** K-way merge of streams each already sorted by the index sort key (`<at>#<random>`). */
async function* merge(
  streams: ReadonlyArray<AsyncIterable<Record<string, unknown>>>,
  newestFirst: boolean,
): AsyncGenerator<Record<string, unknown>> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(iterators.map((it) => it.next()));
  const key = (r: IteratorResult<Record<string, unknown>>) => String(r.value?.gsi1sk ?? r.value?.sk ?? '');
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head === undefined || head.done) continue;
      const current = best < 0 ? undefined : heads[best];
      if (current === undefined || (newestFirst ? key(head) > key(current) : key(head) < key(current)))
        best = i;
    }
    if (best < 0) return;
    const chosen = heads[best] as IteratorResult<Record<string, unknown>>;
    yield chosen.value as Record<string, unknown>;
    heads[best] = await (iterators[best] as AsyncIterator<Record<string, unknown>>).next();
  }
}
