// `remedy policy get NAME` (the stored document, as YAML to edit and apply again) and `policy delete NAME`.
import { stringify } from 'yaml';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { POLICIES_USAGE } from './commands/policies.js';
import { type CliIo, confirm, EXIT, parseCommandArgs, UsageError } from './io.js';
import { cell, outputFormat, printJson } from './output.js';
import { readStoredPolicies, type StoredPolicy } from './table-records.js';
import { failed, quietObserve, type TableDeps, withTable } from './table-session.js';
import { resolveTableTarget, TABLE_OPTIONS, type TableTarget, tableFlags } from './table-target.js';

function parse(args: readonly string[], extra: Record<string, { type: 'boolean'; short?: string }> = {}) {
  const { values, positionals } = parseCommandArgs(
    { args: [...args], options: { ...TABLE_OPTIONS, ...extra }, strict: true, allowPositionals: true },
    POLICIES_USAGE,
  );
  return { values: values as typeof values & { yes?: boolean }, positionals };
}

const oneName = (positionals: readonly string[], verb: string): string => {
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0)
    throw new UsageError(`name exactly one policy to ${verb}`, POLICIES_USAGE);
  return name;
};

/** Every record of that name: normally one; a policy left behind by an interrupted move shows up as two. */
async function recordsNamed(
  doc: Parameters<typeof readStoredPolicies>[0],
  target: TableTarget,
  name: string,
) {
  const stored = await readStoredPolicies(doc, target.table).catch(failed('read policies from', target));
  return stored.filter((s) => s.name === name);
}

const notFound = (io: CliIo, name: string, target: TableTarget): number => {
  io.stderr(
    `remedy: no policy named ${JSON.stringify(name)} in ${target.table} (\`remedy policy list\` shows them)\n`,
  );
  return EXIT.runtime;
};

export async function getPolicy(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout(POLICIES_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, POLICIES_USAGE);
  const name = oneName(positionals, 'get');
  const target = await resolveTableTarget(tableFlags(values), io, POLICIES_USAGE);
  const found = await withTable(target, deps, (doc) => recordsNamed(doc, target, name));
  if (found.length === 0) return notFound(io, name, target);
  if (format === 'json')
    printJson(io, found.length === 1 ? found[0]?.document : found.map((f) => f.document));
  // As stored, so `policy get x > x.yaml`, edit, `policy apply x.yaml` round-trips.
  else io.stdout(found.map((f) => stringify(f.document)).join('---\n'));
  for (const f of found.filter((f) => f.policy === undefined))
    io.stderr(`remedy: the record ${cell(f.alertname)}/${cell(f.name)} is invalid: ${cell(f.problem)}\n`);
  return EXIT.ok;
}

export async function deletePolicy(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parse(args, { yes: { type: 'boolean', short: 'y' } });
  if (values.help) {
    io.stdout(POLICIES_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, POLICIES_USAGE);
  const name = oneName(positionals, 'delete');
  const target = await resolveTableTarget(tableFlags(values), io, POLICIES_USAGE);
  return withTable(target, deps, async (doc) => {
    const found: StoredPolicy[] = await recordsNamed(doc, target, name);
    if (found.length === 0) return notFound(io, name, target);
    const describe = (f: StoredPolicy) => `${cell(f.name)} [${cell(f.alertname)}]`;
    if (format === 'table') io.stdout(found.map((f) => `would remove ${describe(f)}\n`).join(''));
    const question = `remove policy ${cell(name)} from ${target.table}? alerts it handled will be skipped (no-policy)`;
    if (!(await confirm(io, question, values.yes === true, POLICIES_USAGE))) {
      io.stderr('remedy: not confirmed: nothing removed\n');
      return EXIT.runtime;
    }
    const store = new DynamoPolicyStore(doc, target.table, quietObserve(io), 0);
    for (const f of found) {
      await store.remove(f.alertname, f.name).catch(failed(`remove policy ${cell(name)} from`, target));
      if (format === 'table') io.stdout(`removed ${describe(f)}\n`);
    }
    if (format === 'json')
      printJson(io, {
        removed: found.map((f) => ({ name: f.name, alertname: f.alertname })),
        table: target.table,
      });
    return EXIT.ok;
  });
}
