// Clusters-registry entries as an operator gives them: flags for one entry, or a YAML file with one or a list.
import { type ClusterEntry, clusterEntrySchema } from '#domain/cluster/registry.js';
import { formatIssues } from '#domain/errors.js';
import { UsageError } from './io.js';
import { type Problem, readYamlFile } from './policy-files.js';

/** The entry flags of `clusters put`, as parsed. */
export interface EntryFlags {
  readonly name?: string | undefined;
  readonly 'eks-cluster-name'?: string | undefined;
  readonly region?: string | undefined;
  readonly 'role-arn'?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly description?: string | undefined;
}

/** Schema field → the flag that sets it, so a bad value is reported as the flag the operator typed. */
const FLAG_OF: Readonly<Record<string, keyof EntryFlags>> = {
  name: 'name',
  eksClusterName: 'eks-cluster-name',
  region: 'region',
  roleArn: 'role-arn',
  endpoint: 'endpoint',
  description: 'description',
};

/** One entry from flags; a missing or malformed value is a usage error naming the flag. */
export function entryFromFlags(flags: EntryFlags, usage: string): ClusterEntry {
  const missing = (['name', 'eks-cluster-name', 'region'] as const).filter((f) => !flags[f]);
  if (missing.length > 0) {
    throw new UsageError(`${missing.map((f) => `--${f}`).join(', ')} required (or --file FILE)`, usage);
  }
  const input = Object.fromEntries(
    Object.entries(FLAG_OF).flatMap(([field, flag]) =>
      flags[flag] === undefined ? [] : [[field, flags[flag]]],
    ),
  );
  const parsed = clusterEntrySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return `${FLAG_OF[field] === undefined ? formatIssues([issue]) : `--${FLAG_OF[field]}: ${issue.message}`}`;
  });
  throw new UsageError(messages.join('; '), usage);
}

/** Entries from a YAML (or JSON) file: one mapping or a list of them, every entry valid, names unique. */
export async function entriesFromFile(
  file: string,
): Promise<{ ok: true; entries: ClusterEntry[] } | { ok: false; problems: Problem[] }> {
  const read = await readYamlFile(file);
  if (!read.ok) return read;
  const list = Array.isArray(read.value) ? (read.value as unknown[]) : [read.value];
  if (list.length === 0) return { ok: false, problems: [{ file, message: 'the list of entries is empty' }] };
  const problems: Problem[] = [];
  const entries: ClusterEntry[] = [];
  const firstIndex = new Map<string, number>();
  list.forEach((item, i) => {
    // A single entry is reported without an index; entries of a list as [i].field, like the policy paths.
    const at = Array.isArray(read.value) ? `[${i}]` : '';
    const parsed = clusterEntrySchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file, message: formatIssues([issue], at) });
      return;
    }
    const earlier = firstIndex.get(parsed.data.name);
    if (earlier !== undefined) {
      problems.push({ file, message: `${at}.name: "${parsed.data.name}" is also entry [${earlier}]` });
      return;
    }
    firstIndex.set(parsed.data.name, i);
    entries.push(parsed.data);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}
