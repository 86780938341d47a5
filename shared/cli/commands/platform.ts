// `remedy platform show|apply`: the platform layer (defaults every policy inherits, limits none may loosen,
// owner teams) ↔ its one record in the policies table.
import { stringify } from 'yaml';
import { type CliCommand, type CliIo, EXIT, parseCommandArgs, UsageError } from '../io.js';
import { canonicalJson, cell, outputFormat, plural, printJson } from '../output.js';
import { readYamlFile } from '../policy-files.js';
import { failed, type TableDeps, withTable } from '../table-session.js';
import { resolveTableTarget, TABLE_OPTIONS, TABLE_OPTIONS_USAGE, tableFlags } from '../table-target.js';

export const PLATFORM_USAGE = `usage: remedy platform <subcommand> [options]

subcommands:
  show                          the stored platform layer (and whether it is valid)
  apply FILE [--dry-run]        validate the layer in FILE (YAML or JSON), show what changes, then write it;
                                stored policies that break the new limits are listed (at run time they are
                                clamped to the limits, or run in dry-run when they cannot be)

  --dry-run   apply: compare and report, write nothing

${TABLE_OPTIONS_USAGE}
`;

/** `remedy platform ...`. */
export function platformCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined) throw new UsageError('missing platform subcommand', PLATFORM_USAGE);
      if (sub === '-h' || sub === '--help') {
        io.stdout(PLATFORM_USAGE);
        return EXIT.ok;
      }
      if (sub === 'show') return show(rest, io, deps);
      if (sub === 'apply') return apply(rest, io, deps);
      throw new UsageError(`unknown platform subcommand ${JSON.stringify(sub)}`, PLATFORM_USAGE);
    },
  };
}

const parse = (args: readonly string[]) =>
  parseCommandArgs(
    {
      args: [...args],
      options: { ...TABLE_OPTIONS, 'dry-run': { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    },
    PLATFORM_USAGE,
  );

async function show(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout(PLATFORM_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0 || values['dry-run'])
    throw new UsageError('platform show takes no arguments', PLATFORM_USAGE);
  const format = outputFormat(values.output, PLATFORM_USAGE);
  const target = await resolveTableTarget(tableFlags(values), io, PLATFORM_USAGE);
  const { readPlatform } = await import('#adapters/dynamodb/platform-store.js');
  const stored = await withTable(target, deps, (doc) =>
    readPlatform(doc, target.table).catch(failed('read the platform layer from', target)),
  );
  if (format === 'json') {
    printJson(io, {
      state: stored.state,
      ...(stored.state === 'none'
        ? {}
        : { updatedAt: stored.updatedAt, document: stored.document, ...problemsOf(stored) }),
    });
  } else if (stored.state === 'none') {
    io.stdout(
      `no platform layer in ${target.table}: policies run on their own values and the built-in defaults\n`,
    );
  } else {
    io.stdout(`# platform layer in ${target.table}, updated ${cell(stored.updatedAt)}\n`);
    // Escaped line by line: the record comes from a table anyone with write access can fill.
    io.stdout(`${stringify(stored.document).trimEnd().split('\n').map(cell).join('\n')}\n`);
  }
  if (stored.state === 'invalid') {
    io.stderr(
      `remedy: the stored platform layer is INVALID: every policy runs in dry-run until it is fixed with \`remedy platform apply\`:\n${stored.problems.map((p) => `  ${cell(p)}\n`).join('')}`,
    );
  }
  return EXIT.ok;
}

const problemsOf = (stored: { state: string; problems?: string[] }) =>
  stored.state === 'invalid' ? { problems: stored.problems } : {};

async function apply(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout(PLATFORM_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, PLATFORM_USAGE);
  const [file, ...more] = positionals;
  if (file === undefined || more.length > 0)
    throw new UsageError('name exactly one platform layer file', PLATFORM_USAGE);
  const dryRun = values['dry-run'] === true;
  const target = await resolveTableTarget(tableFlags(values), io, PLATFORM_USAGE);

  const read = await readYamlFile(file);
  const { parsePlatform } = await import('#domain/policy/platform.js');
  const parsed = read.ok ? parsePlatform(read.value) : undefined;
  const problems = !read.ok
    ? read.problems.map((p) => p.message)
    : parsed?.ok === false
      ? parsed.problems
      : [];
  if (!read.ok || parsed === undefined || !parsed.ok) {
    if (format === 'json')
      printJson(io, { applied: false, problems: problems.map((message) => ({ file, message })) });
    else io.stdout(problems.map((p) => `${file}: ${p}\n`).join(''));
    io.stderr(`remedy: ${plural(problems.length, 'problem')}: nothing applied\n`);
    return EXIT.runtime;
  }
  const document = read.value;

  const [{ readPlatform, writePlatform }, { readStoredPolicies }, { effectivePolicy }] = await Promise.all([
    import('#adapters/dynamodb/platform-store.js'),
    import('../table-records.js'),
    import('#domain/policy/platform.js'),
  ]);
  return withTable(target, deps, async (doc) => {
    const fail = failed('read the platform layer from', target);
    const stored = await readPlatform(doc, target.table).catch(fail);
    const before = stored.state === 'none' ? undefined : stored.document;
    const change =
      before === undefined
        ? 'created'
        : canonicalJson(before) === canonicalJson(document)
          ? 'unchanged'
          : 'updated';
    const diff = change === 'updated' ? diffDocuments(before, document) : [];
    // Policies already stored keep running; those the new limits would refuse are named now, not at 3 a.m.
    const policies = await readStoredPolicies(doc, target.table).catch(failed('read policies from', target));
    const breaking = policies.flatMap((p) => {
      if (p.policy === undefined) return [];
      const effective = effectivePolicy(parsed.platform, p.document);
      return effective.ok ? [] : effective.violations.map((message) => ({ policy: p.name, message }));
    });
    if (!dryRun && change !== 'unchanged')
      await writePlatform(doc, target.table, document, io.now().toISOString()).catch(
        failed('write the platform layer to', target),
      );
    if (format === 'json') {
      printJson(io, { applied: !dryRun, dryRun, table: target.table, change, file, diff, breaking });
    } else {
      const verb =
        dryRun && change !== 'unchanged' ? `would ${change === 'created' ? 'create' : 'update'}` : change;
      io.stdout(`${verb} platform layer ${file}${dryRun ? ' (dry run: nothing written)' : ''}\n`);
      io.stdout(diff.map((d) => `  ${d}\n`).join(''));
    }
    if (breaking.length > 0) {
      const names = new Set(breaking.map((b) => b.policy));
      io.stderr(
        `remedy: ${plural(names.size, 'stored policy', 'stored policies')} break${names.size === 1 ? 's' : ''} the ${dryRun ? 'new ' : ''}layer; at run time ${names.size === 1 ? 'it is' : 'they are'} clamped to its limits (or ${names.size === 1 ? 'runs' : 'run'} in dry-run); fix and \`policies apply\`:\n${breaking.map((b) => `  ${cell(b.policy)}: ${b.message}\n`).join('')}`,
      );
    }
    return EXIT.ok;
  });
}

/** `~ limits.maxActions.count: 20 → 10`, `+ teams.shop.notify.slack.channel: "#shop"`, `- …`, by dotted path. */
export function diffDocuments(before: unknown, after: unknown): string[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: string[] = [];
  for (const [path, value] of b) {
    const old = a.get(path);
    if (old === undefined) out.push(`+ ${path}: ${cell(value)}`);
    else if (old !== value) out.push(`~ ${path}: ${cell(old)} → ${cell(value)}`);
  }
  for (const [path, value] of a) if (!b.has(path)) out.push(`- ${path}: ${cell(value)}`);
  return out;
}

const flatten = (value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> => {
  // An empty object is a value of its own, or removing `teams.x: { notify: {} }` would show nothing.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, v] of Object.entries(value as Record<string, unknown>))
      flatten(v, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) out.set(prefix, JSON.stringify(value));
  return out;
};
