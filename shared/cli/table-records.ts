// Raw reads of the policies table for the operator: every record, valid or not, with its key, so an invalid
// record is shown (and can be pruned) rather than hidden as the function's adapters hide it.
// The key layout below mirrors shared/adapters/dynamodb/{policy-store,cluster-registry}.ts (the clusters
// registry shares the table under pk=CLUSTERS, so policies are read by their POLICY# prefix); writes still go
// through those adapters.
import {
  type DocumentClient,
  paginateQuery,
  paginateScan,
} from '#adapters/dynamodb/client/document-client.js';
import { type ClusterEntry, clusterEntrySchema } from '#domain/cluster/registry.js';
import { formatIssues } from '#domain/errors.js';
import { type Policy, policySchema } from '#domain/policy/schema.js';

const POLICY_PREFIX = 'POLICY#';
const CLUSTERS_PK = 'CLUSTERS';

/** A stored policy record: its key, the document as stored, and either the policy or why it is invalid. */
export interface StoredPolicy {
  readonly alertname: string;
  readonly name: string;
  readonly document: unknown;
  readonly updatedAt?: string;
  readonly policy?: Policy;
  readonly problem?: string;
}

/** A stored clusters-registry record, validated the same way. */
export interface StoredCluster {
  readonly name: string;
  readonly document: unknown;
  readonly updatedAt?: string;
  readonly entry?: ClusterEntry;
  readonly problem?: string;
}

/** Every policy record of the table (pk=POLICY#<alertname>, sk=<name>), sorted by alertname then name. */
export async function readStoredPolicies(doc: DocumentClient, table: string): Promise<StoredPolicy[]> {
  const out: StoredPolicy[] = [];
  const pages = paginateScan(
    { client: doc },
    {
      TableName: table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': POLICY_PREFIX },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const alertname = String(item.pk).slice(POLICY_PREFIX.length);
      const name = String(item.sk);
      out.push({
        alertname,
        name,
        document: item.document,
        ...updatedAt(item),
        ...checkPolicy(alertname, name, item.document),
      });
    }
  }
  return out.sort((a, b) => compare(a.alertname, b.alertname) || compare(a.name, b.name));
}

/** Every clusters-registry record (pk=CLUSTERS, sk=<logical name>), sorted by name. */
export async function readStoredClusters(doc: DocumentClient, table: string): Promise<StoredCluster[]> {
  const out: StoredCluster[] = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CLUSTERS_PK },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const name = String(item.sk);
      out.push({ name, document: item.document, ...updatedAt(item), ...checkCluster(name, item.document) });
    }
  }
  return out.sort((a, b) => compare(a.name, b.name));
}

/** Valid only if the document passes the schema and agrees with its key: the function looks policies up by key. */
function checkPolicy(
  alertname: string,
  name: string,
  document: unknown,
): { policy: Policy } | { problem: string } {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) return { problem: formatIssues(parsed.error.issues, 'document') };
  const policy = parsed.data;
  if (policy.name !== name || policy.match.alertname !== alertname) {
    return {
      problem: `stored under ${alertname}/${name} but the document is ${policy.match.alertname}/${policy.name}`,
    };
  }
  return { policy };
}

function checkCluster(name: string, document: unknown): { entry: ClusterEntry } | { problem: string } {
  const parsed = clusterEntrySchema.safeParse(document);
  if (!parsed.success) return { problem: formatIssues(parsed.error.issues, 'document') };
  if (parsed.data.name !== name)
    return { problem: `stored as ${name} but the document names ${parsed.data.name}` };
  return { entry: parsed.data };
}

const updatedAt = (item: Record<string, unknown>) =>
  typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
