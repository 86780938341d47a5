import { type ClusterEntry, type ClusterEntryInput, clusterEntrySchema } from '#domain/cluster/registry.js';
import { formatIssues } from '#domain/errors.js';
import type { ClusterRegistry, Logger, Metrics } from '#domain/ports.js';
import {
  DeleteCommand,
  type DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from './client/document-client.js';

/** Registry entries change rarely; a warm container re-reads them after this long. */
export const DEFAULT_REGISTRY_CACHE_SECONDS = 60;
/** All entries share one partition: a registry holds tens of clusters, read through the warm cache. */
const PK = 'CLUSTERS';

/**
 * The clusters registry in the policies table: pk=CLUSTERS, sk=<logical name>, the entry as written in
 * `document`, validated on every read; an invalid entry is skipped with a log line and a metric.
 */
export class DynamoClusterRegistry implements ClusterRegistry {
  private readonly cache = new Map<string, { until: number; entry: ClusterEntry | undefined }>();

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
    private readonly observe: { logger: Logger; metrics: Metrics; now: () => number },
    private readonly cacheSeconds = DEFAULT_REGISTRY_CACHE_SECONDS,
  ) {}

  async get(name: string): Promise<ClusterEntry | undefined> {
    const now = this.observe.now();
    const hit = this.cache.get(name);
    if (hit && hit.until > now) return hit.entry;
    const res = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: PK, sk: name } }));
    const entry = res.Item ? this.parse(res.Item) : undefined;
    this.cache.set(name, { until: now + this.cacheSeconds * 1000, entry });
    return entry;
  }

  async list(): Promise<ClusterEntry[]> {
    const entries: ClusterEntry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PK },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const entry = this.parse(item);
        if (entry) entries.push(entry);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return entries;
  }

  /** Validates and stores an entry (replacing one of the same name). */
  async put(input: ClusterEntryInput, updatedAt: string): Promise<ClusterEntry> {
    const parsed = clusterEntrySchema.safeParse(input);
    if (!parsed.success) throw new Error(`invalid cluster entry: ${formatIssues(parsed.error.issues)}`);
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: PK, sk: parsed.data.name, document: parsed.data, updatedAt },
      }),
    );
    this.cache.delete(parsed.data.name);
    return parsed.data;
  }

  async remove(name: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: PK, sk: name } }));
    this.cache.delete(name);
  }

  private parse(item: Record<string, unknown>): ClusterEntry | undefined {
    const parsed = clusterEntrySchema.safeParse(item.document);
    if (parsed.success) return parsed.data;
    this.observe.metrics.count('InvalidClusterRecord');
    this.observe.logger.warn(
      `skipping invalid cluster record ${String(item.sk)}: ${formatIssues(parsed.error.issues, 'document')}`,
    );
    return undefined;
  }
}
