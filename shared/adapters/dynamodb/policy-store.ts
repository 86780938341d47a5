import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { formatIssues } from '#domain/errors.js';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';
import type { Logger, Metrics, PolicyStore } from '#domain/ports.js';

/** How long a warm container trusts its cached policies before asking DynamoDB again. */
export const DEFAULT_POLICY_CACHE_SECONDS = 30;

const pkFor = (alertname: string) => `POLICY#${alertname}`;

/**
 * Policies in DynamoDB: pk=POLICY#<alertname>, sk=<policy name>, the policy as written in `document`.
 * Items are re-validated on read; an invalid one is skipped with a log line and a metric, never fatal.
 */
export class DynamoPolicyStore implements PolicyStore {
  private readonly cache = new Map<string, { until: number; policies: Policy[] }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly observe: { logger: Logger; metrics: Metrics; now: () => number },
    private readonly cacheSeconds = DEFAULT_POLICY_CACHE_SECONDS,
  ) {}

  async forAlertname(alertname: string): Promise<Policy[]> {
    const now = this.observe.now();
    const hit = this.cache.get(alertname);
    if (hit && hit.until > now) return hit.policies;
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
        const policy = this.parseItem(item);
        if (policy) policies.push(policy);
      }
    }
    this.cache.set(alertname, { until: now + this.cacheSeconds * 1000, policies });
    return policies;
  }

  /** Stores a policy (already validated by the caller with checkPolicySet across the whole set). */
  async put(input: PolicyInput, updatedAt: string): Promise<void> {
    const policy = policySchema.parse(input);
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

  private parseItem(item: Record<string, unknown>): Policy | undefined {
    const parsed = policySchema.safeParse(item.document);
    if (parsed.success) return parsed.data;
    const where = `${String(item.pk)}/${String(item.sk)}`;
    this.observe.metrics.count('InvalidPolicyRecord');
    this.observe.logger.warn(
      `skipping invalid policy record ${where}: ${formatIssues(parsed.error.issues, 'document')}`,
      {
        policyKey: where,
      },
    );
    return undefined;
  }
}
