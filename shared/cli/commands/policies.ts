import { type CliCommand, type CliIo, EXIT, parseCommandArgs, UsageError } from '../io.js';
import { cell, formatTable, outputFormat, plural, printJson } from '../output.js';
import { formatProblem, readPolicySources, validatePolicySet } from '../policy-files.js';
import { failed, type TableDeps, withTable } from '../table-session.js';
import { resolveTableTarget, TABLE_OPTIONS, TABLE_OPTIONS_USAGE, tableFlags } from '../table-target.js';

export const POLICIES_USAGE = `usage: remedy policy <subcommand> [options]      (\`remedy policies\` is the same)

subcommands:
  validate <dir|file...>                     check a policy set (schema, unique names, priority ties);
                                             reads files only, never AWS
  apply <dir|file...> [--dry-run] [--prune]  validate the whole set, show what changes (a diff for updated
        [--yes]                              policies), ask, then write; prints each change
  list                                       the stored policies, invalid records flagged
  get <name>                                 a stored policy as YAML (--output json: as JSON)
  delete <name> [--yes]                      remove a stored policy, after confirmation
  explain --alert FILE [--policies PATH...]  which policy an alert (an Alertmanager notification or one alert,
                                             JSON) matches and which lost, the target, what remedy would do
                                             and which guardrail would stop it now (reads, never writes)

  --dry-run   apply: compare and report, write nothing
  --prune     apply: also remove stored policies that are not in the set
  --yes, -y   apply, delete: do not ask (scripts); without a terminal, --yes is required

${TABLE_OPTIONS_USAGE}
`;

/** `remedy policies ...`: policy files ↔ the policies table. */
export function policiesCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined) throw new UsageError('missing policy subcommand', POLICIES_USAGE);
      if (sub === '-h' || sub === '--help') {
        io.stdout(POLICIES_USAGE);
        return EXIT.ok;
      }
      if (sub === 'validate') return validate(rest, io);
      // Only apply and list reach DynamoDB: their modules (and the AWS SDK) load when they run.
      if (sub === 'apply') return (await import('../policies-apply.js')).applyPolicies(rest, io, deps);
      if (sub === 'list') return list(rest, io, deps);
      if (sub === 'get' || sub === 'delete')
        return (await import('../policy-get-delete.js'))[sub === 'get' ? 'getPolicy' : 'deletePolicy'](
          rest,
          io,
          deps,
        );
      if (sub === 'explain') return (await import('../policy-explain.js')).explainCommand(rest, io, deps);
      throw new UsageError(`unknown policy subcommand ${JSON.stringify(sub)}`, POLICIES_USAGE);
    },
  };
}

async function validate(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    {
      args: [...args],
      options: { output: TABLE_OPTIONS.output, help: TABLE_OPTIONS.help },
      strict: true,
      allowPositionals: true,
    },
    POLICIES_USAGE,
  );
  if (values.help) {
    io.stdout(POLICIES_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, POLICIES_USAGE);
  if (positionals.length === 0)
    throw new UsageError('name at least one policy folder or file', POLICIES_USAGE);
  const result = validatePolicySet(await readPolicySources(positionals));
  if (format === 'json') {
    printJson(
      io,
      result.ok
        ? {
            valid: true,
            policies: result.policies.map(({ policy, origin }) => ({
              name: policy.name,
              alertname: policy.match.alertname,
              priority: policy.priority,
              action: policy.action.type,
              file: origin,
            })),
          }
        : { valid: false, problems: result.problems },
    );
  } else if (result.ok) {
    io.stdout(result.policies.map((p) => `${p.origin}: ok (${p.policy.name})\n`).join(''));
  } else {
    io.stdout(result.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    io.stderr(`remedy: ${plural(result.problems.length, 'problem')}: the policy set is invalid\n`);
  }
  return result.ok ? EXIT.ok : EXIT.runtime;
}

async function list(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values } = parseCommandArgs(
    { args: [...args], options: TABLE_OPTIONS, strict: true, allowPositionals: false },
    POLICIES_USAGE,
  );
  if (values.help) {
    io.stdout(POLICIES_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, POLICIES_USAGE);
  const target = await resolveTableTarget(tableFlags(values), io, POLICIES_USAGE);
  const { readStoredPolicies } = await import('../table-records.js');
  const stored = await withTable(target, deps, (doc) =>
    readStoredPolicies(doc, target.table).catch(failed('read policies from', target)),
  );
  if (format === 'json') {
    printJson(
      io,
      stored.map(({ name, alertname, policy, problem, updatedAt, document }) => ({
        name,
        alertname,
        valid: policy !== undefined,
        ...(policy === undefined
          ? { problem }
          : { priority: policy.priority, action: policy.action.type, dryRun: policy.guard.dryRun }),
        updatedAt,
        document,
      })),
    );
  } else if (stored.length === 0) {
    io.stdout(`no policies in ${target.table}\n`);
  } else {
    const rows = stored.map((s) => [
      cell(s.name),
      cell(s.alertname),
      s.policy === undefined ? '-' : String(s.policy.priority),
      s.policy === undefined ? '-' : `${s.policy.action.type}${s.policy.guard.dryRun ? ' (dry-run)' : ''}`,
      s.policy === undefined ? `INVALID ${cell(s.problem)}` : 'ok',
    ]);
    io.stdout(formatTable(['NAME', 'ALERTNAME', 'PRIORITY', 'ACTION', 'STATUS'], rows));
  }
  const invalid = stored.filter((s) => s.policy === undefined).length;
  if (invalid > 0) {
    // A warning, not a failure: the listing itself worked, and the function already skips these records.
    io.stderr(
      `remedy: ${plural(invalid, 'invalid record')}: the function skips ${invalid === 1 ? 'it' : 'them'}; fix with \`policies apply\` or remove with \`policies apply --prune\`\n`,
    );
  }
  return EXIT.ok;
}
