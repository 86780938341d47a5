// `remedy clusters put`: one entry from flags, or a file of entries; all validated before the first write.
import type { ClusterEntry } from '#domain/cluster/registry.js';
import { entriesFromFile, entryFromFlags, PROMETHEUS_FLAGS } from './cluster-entries.js';
import { CLUSTERS_USAGE } from './commands/clusters.js';
import { type CliIo, EXIT, parseCommandArgs, UsageError } from './io.js';
import { canonicalJson, cell, outputFormat, plural, printJson } from './output.js';
import { formatProblem } from './policy-files.js';
import { failed, quietObserve, type TableDeps, withTable } from './table-session.js';
import { resolveTableTarget, TABLE_OPTIONS } from './table-target.js';

const ENTRY_FLAGS = [
  'name',
  'eks-cluster-name',
  'region',
  'role-arn',
  'endpoint',
  'description',
  ...(Object.keys(PROMETHEUS_FLAGS) as Array<keyof typeof PROMETHEUS_FLAGS>),
] as const;
const STRING = { type: 'string' } as const;

type Change = 'created' | 'updated' | 'unchanged';

/** Validates the entries, then writes those that differ from the stored ones; prints a line per entry. */
export async function putClusters(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values } = parseCommandArgs(
    {
      args: [...args],
      options: {
        ...TABLE_OPTIONS,
        // --region and --endpoint are the entry's here; the table's get unambiguous names.
        name: STRING,
        'eks-cluster-name': STRING,
        region: STRING,
        'role-arn': STRING,
        endpoint: STRING,
        description: STRING,
        // The entry's Prometheus (policy analysis/verify): see cluster-entries.ts.
        'prometheus-url': STRING,
        'prometheus-auth': STRING,
        'prometheus-region': STRING,
        'prometheus-username-parameter': STRING,
        'prometheus-password-parameter': STRING,
        'prometheus-token-parameter': STRING,
        file: STRING,
        'table-region': STRING,
        'dynamodb-endpoint': STRING,
      },
      strict: true,
      allowPositionals: false,
    },
    CLUSTERS_USAGE,
  );
  if (values.help) {
    io.stdout(CLUSTERS_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, CLUSTERS_USAGE);
  const given = ENTRY_FLAGS.filter((f) => values[f] !== undefined);
  if (values.file !== undefined && given.length > 0) {
    const flags = given.map((f) => `--${f}`).join(', ');
    throw new UsageError(`--file cannot be combined with ${flags}`, CLUSTERS_USAGE);
  }
  const fromFlags = values.file === undefined ? [entryFromFlags(values, CLUSTERS_USAGE)] : undefined;
  const target = await resolveTableTarget(
    {
      table: values['table-policies'],
      endpoint: values['dynamodb-endpoint'],
      region: values['table-region'],
      local: values.local,
    },
    io,
    CLUSTERS_USAGE,
  );
  let entries: ClusterEntry[];
  if (fromFlags !== undefined) entries = fromFlags;
  else {
    const read = await entriesFromFile(values.file ?? '');
    if (!read.ok) {
      if (format === 'json') printJson(io, { applied: false, problems: read.problems });
      else io.stdout(read.problems.map((p) => `${formatProblem(p)}\n`).join(''));
      io.stderr(`remedy: ${plural(read.problems.length, 'problem')}: nothing written\n`);
      return EXIT.runtime;
    }
    entries = read.entries;
  }

  const changes = await withTable(target, deps, async (doc) => {
    const [{ DynamoClusterRegistry }, { readStoredClusters }] = await Promise.all([
      import('#adapters/dynamodb/cluster-registry.js'),
      import('./table-records.js'),
    ]);
    const stored = await readStoredClusters(doc, target.table).catch(failed('read clusters from', target));
    const registry = new DynamoClusterRegistry(doc, target.table, quietObserve(io), 0);
    const at = io.now().toISOString();
    const out: Array<{ change: Change; name: string }> = [];
    for (const entry of entries) {
      const before = stored.find((s) => s.name === entry.name);
      const change: Change =
        before === undefined
          ? 'created'
          : canonicalJson(before.document) === canonicalJson(entry)
            ? 'unchanged'
            : 'updated';
      if (change !== 'unchanged') {
        await registry.put(entry, at).catch(failed(`write cluster ${entry.name} to`, target));
      }
      // Printed as each entry lands: if a later write fails, the lines above it are what happened.
      if (format === 'table') {
        io.stdout(`${change} ${entry.name} (EKS ${cell(entry.eksClusterName)} in ${entry.region})\n`);
      }
      out.push({ change, name: entry.name });
    }
    return out;
  });
  if (format === 'json') printJson(io, { table: target.table, changes });
  return EXIT.ok;
}
