// A counting proxy in front of DynamoDB Local: every call any process makes (the bench itself, the local stack,
// fresh child processes) is counted by operation from its X-Amz-Target header, so round trips are counted on
// the wire, exactly, whoever sends them.
import { startDynamoDbProxy } from '../../support/dynamodb-proxy.js';

export type Counts = Record<string, number>;

/** DynamoDB operations that write (a failed conditional write still costs a write). */
export const WRITE_OPS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export interface DynamoDbCounter {
  /** `http://127.0.0.1:<port>`: give this as the DynamoDB endpoint. */
  url: string;
  /** Calls so far by operation (a copy). */
  snapshot(): Counts;
  /** Every call so far as `<operation> <first key's pk>`, in order (what a count is made of). */
  readonly log: string[];
  close(): Promise<void>;
}

export const startDynamoDbCounter = async (target: string): Promise<DynamoDbCounter> => {
  const counts: Counts = {};
  const log: string[] = [];
  const proxy = await startDynamoDbProxy(target, (op, body) => {
    counts[op] = (counts[op] ?? 0) + 1;
    log.push(`${op} ${firstKey(body)}`);
    return undefined;
  });
  return { url: proxy.url, snapshot: () => ({ ...counts }), log, close: proxy.close };
};

/** The first pk a request names (its Key, Item or key condition), for the call log. */
const firstKey = (text: string): string => /"pk":\{"S":"([^"]*)"/.exec(text)?.[1] ?? '';

/** What happened between two snapshots, without zero entries. */
export const diff = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(
    Object.entries(after)
      .map(([op, n]) => [op, n - (before[op] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );

export const writesOf = (c: Counts): number =>
  Object.entries(c).reduce((s, [op, n]) => s + (WRITE_OPS.has(op) ? n : 0), 0);
export const readsOf = (c: Counts): number =>
  Object.entries(c).reduce((s, [op, n]) => s + (WRITE_OPS.has(op) ? 0 : n), 0);
