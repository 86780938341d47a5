import { formatIssues, PolicyInvalidError } from '#domain/errors.js';
import { effectivePolicy } from '#domain/policy/platform.js';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';
import type { Logger, Metrics, PolicyStore } from '#domain/ports.js';
import { WarmCache } from '../warm-cache.js';
import { DeleteCommand, type DocumentClient, PutCommand, paginateQuery } from './client/document-client.js';
import { DynamoPlatformStore, type PlatformView, readPlatform } from './platform-store.js';

/** How long a warm container trusts its cached policies before asking DynamoDB again. */
export const DEFAULT_POLICY_CACHE_SECONDS = 30;

const pkFor = (alertname: string) => `POLICY#${alertname}`;

/**
 * Policies in DynamoDB: pk=POLICY#<alertname>, sk=<policy name>, the policy as written in `document`.
 * Items are re-validated on read; an invalid one is skipped with a log line and a metric, never fatal.
 * What is served is the EFFECTIVE policy: the document merged with the platform layer (same table, pk=PLATFORM),
 * which is why documents are stored as written: a built-in default filled in at write time would mask the
 * platform's. The layer is read with the policies, once per cache period, never per alert.
 */
export class DynamoPolicyStore implements PolicyStore {
  private readonly cache: WarmCache<Policy[]>;
  private readonly platform: DynamoPlatformStore;

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
    private readonly observe: { logger: Logger; metrics: Metrics; now: () => number },
    readonly cacheSeconds = DEFAULT_POLICY_CACHE_SECONDS,
  ) {
    this.platform = new DynamoPlatformStore(client, table, observe, cacheSeconds);
    this.cache = new WarmCache(cacheSeconds * 1000, observe.now);
  }

  forAlertname(alertname: string): Promise<Policy[]> {
    return this.cache.get(alertname, () => this.load(alertname));
  }

  private async load(alertname: string): Promise<Policy[]> {
    const layer = await this.platform.current();
    const policies: Policy[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pkFor(alertname) },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const policy = this.parseItem(item, layer);
        if (policy) policies.push(policy);
      }
    }
    return policies;
  }

  /**
   * Stores a policy (already validated by the caller with checkPolicySet across the whole set). The stored
   * platform layer is checked here too, so no writer can store a policy that loosens it.
   */
  async put(input: PolicyInput, updatedAt: string): Promise<void> {
    const policy = policySchema.parse(input);
    const layer = await readPlatform(this.client, this.table);
    if (layer.state === 'valid') {
      const effective = effectivePolicy(layer.platform, input);
      if (!effective.ok)
        throw new PolicyInvalidError(
          `policy ${policy.name} breaks the platform layer: ${effective.violations.join('; ')}`,
        );
    }
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: pkFor(policy.match.alertname), sk: policy.name, document: input, updatedAt },
      }),
    );
    this.cache.delete(policy.match.alertname);
  }

  async remove(alertname: string, name: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: pkFor(alertname), sk: name } }),
    );
    this.cache.delete(alertname);
  }

  private parseItem(item: Record<string, unknown>, layer: PlatformView): Policy | undefined {
    const where = `${String(item.pk)}/${String(item.sk)}`;
    if (layer.state === 'valid') {
      // A layer written after the policy may have tightened a limit: clamp or run dry, never act looser.
      const effective = effectivePolicy(layer.platform, item.document, { clamp: true });
      if (effective.ok) {
        if (effective.adjusted.length > 0) {
          this.observe.metrics.count('PolicyClampedByPlatform');
          this.observe.logger.warn(
            `policy record ${where} is looser than the platform layer: ${effective.adjusted.join('; ')}`,
            { policyKey: where },
          );
        }
        return effective.policy;
      }
      return this.skip(where, effective.violations.map((v) => `document.${v}`).join('; '));
    }
    const parsed = policySchema.safeParse(item.document);
    if (!parsed.success) return this.skip(where, formatIssues(parsed.error.issues, 'document'));
    // The layer is unreadable: its limits are unknown, so nothing may act (logged and counted once per read).
    if (layer.state === 'invalid') parsed.data.guard.dryRun = true;
    return parsed.data;
  }

  private skip(where: string, problem: string): undefined {
    this.observe.metrics.count('InvalidPolicyRecord');
    this.observe.logger.warn(`skipping invalid policy record ${where}: ${problem}`, { policyKey: where });
    return undefined;
  }
}
