import { PLATFORM_KEY, type Platform, parsePlatform } from '#domain/policy/platform.js';
import type { Logger, Metrics } from '#domain/ports.js';
import { WarmCache } from '../warm-cache.js';
import { type DocumentClient, GetCommand, PutCommand } from './client/document-client.js';

/** The stored layer as read: none yet, valid, or a record that fails the schema (with why). */
export type StoredPlatform =
  | { state: 'none' }
  | { state: 'valid'; platform: Platform; document: unknown; updatedAt?: string }
  | { state: 'invalid'; problems: string[]; document: unknown; updatedAt?: string };

/** Reads the layer record (pk=PLATFORM, sk=layer) and validates it; never throws on a bad document. */
export async function readPlatform(doc: DocumentClient, table: string): Promise<StoredPlatform> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: table, Key: { ...PLATFORM_KEY }, ConsistentRead: true }),
  );
  if (Item === undefined) return { state: 'none' };
  const updatedAt = typeof Item.updatedAt === 'string' ? { updatedAt: Item.updatedAt } : {};
  const parsed = parsePlatform(Item.document);
  return parsed.ok
    ? { state: 'valid', platform: parsed.platform, document: Item.document, ...updatedAt }
    : { state: 'invalid', problems: parsed.problems, document: Item.document, ...updatedAt };
}

/** Stores the layer as written (validated by the caller), so defaults merge as the platform team wrote them. */
export async function writePlatform(
  doc: DocumentClient,
  table: string,
  document: unknown,
  updatedAt: string,
): Promise<void> {
  const parsed = parsePlatform(document);
  if (!parsed.ok) throw new Error(`invalid platform layer: ${parsed.problems.join('; ')}`);
  await doc.send(new PutCommand({ TableName: table, Item: { ...PLATFORM_KEY, document, updatedAt } }));
}

/**
 * What the function runs under: the layer, or `invalid` when the record is broken. A broken layer never throws
 * here: the policy store turns it into "every policy runs in dry-run" (see policy-store.ts).
 */
export type PlatformView = { state: 'none' } | { state: 'valid'; platform: Platform } | { state: 'invalid' };

/** The layer for the function, read at most once per cache period per warm container (with the policies). */
export class DynamoPlatformStore {
  private readonly cache: WarmCache<PlatformView>;

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
    private readonly observe: { logger: Logger; metrics: Metrics; now: () => number },
    cacheSeconds: number,
  ) {
    this.cache = new WarmCache(cacheSeconds * 1000, observe.now);
  }

  current(): Promise<PlatformView> {
    return this.cache.get('layer', () => this.load());
  }

  private async load(): Promise<PlatformView> {
    const stored = await readPlatform(this.client, this.table);
    let view: PlatformView;
    if (stored.state === 'invalid') {
      this.observe.metrics.count('InvalidPlatformRecord');
      this.observe.logger.error(
        `invalid platform layer ${PLATFORM_KEY.pk}/${PLATFORM_KEY.sk}: every policy runs in dry-run until it is fixed (remedy platform apply): ${stored.problems.join('; ')}`,
      );
      view = { state: 'invalid' };
    } else
      view = stored.state === 'valid' ? { state: 'valid', platform: stored.platform } : { state: 'none' };
    return view;
  }

  /** Forgets the cached layer (after a write through the same container). */
  invalidate(): void {
    this.cache.clear();
  }
}
