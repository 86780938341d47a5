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
  readonly 'prometheus-url'?: string | undefined;
  readonly 'prometheus-auth'?: string | undefined;
  readonly 'prometheus-region'?: string | undefined;
  readonly 'prometheus-username-parameter'?: string | undefined;
  readonly 'prometheus-password-parameter'?: string | undefined;
  readonly 'prometheus-token-parameter'?: string | undefined;
}

/** The flags that set the entry's `prometheus` (policy analysis/verify), and the field each one sets. */
export const PROMETHEUS_FLAGS = {
  'prometheus-url': 'endpoint',
  'prometheus-auth': 'type',
  'prometheus-region': 'region',
  'prometheus-username-parameter': 'usernameParameter',
  'prometheus-password-parameter': 'passwordParameter',
  'prometheus-token-parameter': 'tokenParameter',
} as const satisfies Partial<Record<keyof EntryFlags, string>>;
type PrometheusFlag = keyof typeof PROMETHEUS_FLAGS;
const PROMETHEUS_FLAG_OF: Readonly<Record<string, PrometheusFlag>> = Object.fromEntries(
  Object.entries(PROMETHEUS_FLAGS).map(([flag, field]) => [field, flag as PrometheusFlag]),
);

/** The `prometheus` field from its flags, or undefined when none is given. */
function prometheusFromFlags(flags: EntryFlags, usage: string): Record<string, unknown> | undefined {
  const given = (Object.keys(PROMETHEUS_FLAGS) as PrometheusFlag[]).filter((f) => flags[f] !== undefined);
  if (given.length === 0) return undefined;
  const endpoint = flags['prometheus-url'];
  if (endpoint === undefined)
    throw new UsageError(`--prometheus-url required with ${given.map((f) => `--${f}`).join(', ')}`, usage);
  const type = flags['prometheus-auth'] ?? 'none';
  const pick = (...names: PrometheusFlag[]) =>
    Object.fromEntries(
      names.flatMap((f) => (flags[f] === undefined ? [] : [[PROMETHEUS_FLAGS[f], flags[f]]])),
    );
  const auth =
    type === 'sigv4'
      ? { type, ...pick('prometheus-region') }
      : type === 'basic'
        ? { type, ...pick('prometheus-username-parameter', 'prometheus-password-parameter') }
        : type === 'bearer'
          ? { type, ...pick('prometheus-token-parameter') }
          : undefined;
  if (type !== 'none' && auth === undefined)
    throw new UsageError(`--prometheus-auth: must be none, sigv4, basic or bearer (got "${type}")`, usage);
  return { endpoint, ...(auth ? { auth } : {}) };
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
  const prometheus = prometheusFromFlags(flags, usage);
  const input = {
    ...Object.fromEntries(
      Object.entries(FLAG_OF).flatMap(([field, flag]) =>
        flags[flag] === undefined ? [] : [[field, flags[flag]]],
      ),
    ),
    ...(prometheus ? { prometheus } : {}),
  };
  const parsed = clusterEntrySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    if (field === 'prometheus') {
      const flag = PROMETHEUS_FLAG_OF[String(issue.path.at(-1) ?? '')];
      return flag === undefined ? formatIssues([issue]) : `--${flag}: ${issue.message}`;
    }
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
