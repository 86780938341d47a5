import { type CliCommand, type CliIo, EXIT, parseCommandArgs, UsageError } from '../io.js';
import { cell, formatTable, outputFormat, plural, printJson } from '../output.js';
import { failed, quietObserve, type TableDeps, withTable } from '../table-session.js';
import { resolveTableTarget, TABLE_OPTIONS, TABLE_OPTIONS_USAGE, tableFlags } from '../table-target.js';

export const CLUSTERS_USAGE = `usage: remedy clusters <subcommand> [options]

The clusters registry: the logical name alerts and policies use (the \`cluster\` label) → the EKS cluster.

subcommands:
  put --name N --eks-cluster-name X --region R [--role-arn ARN] [--endpoint URL] [--description TEXT]
      [--prometheus-url URL [--prometheus-auth none|sigv4|basic|bearer] [--prometheus-region R]
       [--prometheus-username-parameter P --prometheus-password-parameter P] [--prometheus-token-parameter P]]
                              where policy analysis asks Prometheus (AMP: sigv4; secrets: SSM parameter names)
  put --file entries.yaml     one entry or a list (fields: name, eksClusterName, region, roleArn, endpoint,
                              description, prometheus); every entry is validated before any is written
  list                        the registry, invalid records flagged
  remove <name>

  In \`put\`, --region and --endpoint describe the cluster: give the table's as --table-region and
  --dynamodb-endpoint there.

${TABLE_OPTIONS_USAGE}
`;

/** `remedy clusters ...`: the clusters registry in the policies table. */
export function clustersCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined) throw new UsageError('missing clusters subcommand', CLUSTERS_USAGE);
      if (sub === '-h' || sub === '--help') {
        io.stdout(CLUSTERS_USAGE);
        return EXIT.ok;
      }
      // put reads YAML and writes: its module loads only when it runs.
      if (sub === 'put') return (await import('../clusters-put.js')).putClusters(rest, io, deps);
      if (sub === 'list') return list(rest, io, deps);
      if (sub === 'remove') return remove(rest, io, deps);
      throw new UsageError(`unknown clusters subcommand ${JSON.stringify(sub)}`, CLUSTERS_USAGE);
    },
  };
}

async function list(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values } = parseCommandArgs(
    { args: [...args], options: TABLE_OPTIONS, strict: true, allowPositionals: false },
    CLUSTERS_USAGE,
  );
  if (values.help) return help(io);
  const format = outputFormat(values.output, CLUSTERS_USAGE);
  const target = await resolveTableTarget(tableFlags(values), io, CLUSTERS_USAGE);
  const { readStoredClusters } = await import('../table-records.js');
  const stored = await withTable(target, deps, (doc) =>
    readStoredClusters(doc, target.table).catch(failed('read clusters from', target)),
  );
  if (format === 'json') {
    printJson(
      io,
      stored.map(({ name, entry, problem, updatedAt, document }) => ({
        name,
        valid: entry !== undefined,
        ...(entry === undefined ? { problem } : {}),
        updatedAt,
        document,
      })),
    );
  } else if (stored.length === 0) {
    io.stdout(`no clusters in ${target.table}\n`);
  } else {
    const rows = stored.map(({ name, entry, problem }) => [
      cell(name),
      cell(entry?.eksClusterName),
      cell(entry?.region),
      cell(entry?.roleArn),
      cell(entry?.endpoint),
      entry === undefined ? `INVALID ${cell(problem)}` : 'ok',
    ]);
    io.stdout(formatTable(['NAME', 'EKS CLUSTER', 'REGION', 'ROLE', 'ENDPOINT', 'STATUS'], rows));
  }
  const invalid = stored.filter((s) => s.entry === undefined).length;
  if (invalid > 0) {
    io.stderr(
      `remedy: ${plural(invalid, 'invalid record')}: the function treats ${invalid === 1 ? 'it' : 'them'} as unknown; fix with \`clusters put\`\n`,
    );
  }
  return EXIT.ok;
}

async function remove(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    { args: [...args], options: TABLE_OPTIONS, strict: true, allowPositionals: true },
    CLUSTERS_USAGE,
  );
  if (values.help) return help(io);
  const format = outputFormat(values.output, CLUSTERS_USAGE);
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0)
    throw new UsageError('name exactly one cluster to remove', CLUSTERS_USAGE);
  const target = await resolveTableTarget(tableFlags(values), io, CLUSTERS_USAGE);
  await withTable(target, deps, async (doc) => {
    const [{ DynamoClusterRegistry }, { readStoredClusters }] = await Promise.all([
      import('#adapters/dynamodb/cluster-registry.js'),
      import('../table-records.js'),
    ]);
    const stored = await readStoredClusters(doc, target.table).catch(failed('read clusters from', target));
    // A typo must not look like success: removing what is not there is an error naming what is.
    if (!stored.some((s) => s.name === name)) {
      const known = stored.map((s) => cell(s.name)).join(', ') || 'none';
      throw new Error(`no cluster ${JSON.stringify(name)} in ${target.table} (known: ${known})`);
    }
    const registry = new DynamoClusterRegistry(doc, target.table, quietObserve(io), 0);
    await registry.remove(name).catch(failed(`remove cluster ${name} from`, target));
  });
  if (format === 'json') printJson(io, { table: target.table, changes: [{ change: 'removed', name }] });
  else io.stdout(`removed ${cell(name)}\n`);
  return EXIT.ok;
}

const help = (io: CliIo) => {
  io.stdout(CLUSTERS_USAGE);
  return EXIT.ok;
};
