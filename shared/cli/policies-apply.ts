// `remedy policies apply`: the whole set is validated (and checked against what stays in the table) before the
// first write, so a broken file never leaves the table half-applied.

import { stringify } from 'yaml';
import { readPlatform } from '#adapters/dynamodb/platform-store.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { platformViolations } from '#app/apply-policies.js';
import { POLICIES_USAGE } from './commands/policies.js';
import { type CliIo, confirm, EXIT, parseCommandArgs, UsageError } from './io.js';
import { cell, outputFormat, plural, printJson } from './output.js';
import { formatProblem, readPolicySources, validatePolicySet } from './policy-files.js';
import { describeChange, formatChange, type PlannedChange, planApply, summarize } from './policy-plan.js';
import { readStoredPolicies, type StoredPolicy } from './table-records.js';
import { failed, quietObserve, type TableDeps, withTable } from './table-session.js';
import { resolveTableTarget, TABLE_OPTIONS, tableFlags } from './table-target.js';
import { lineDiff, renderDiff } from './text-diff.js';

/** Validates, compares with the table, then writes (unless --dry-run); exit 1 and no write on any problem. */
export async function applyPolicies(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    {
      args: [...args],
      options: {
        ...TABLE_OPTIONS,
        'dry-run': { type: 'boolean' },
        prune: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
      },
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
  const dryRun = values['dry-run'] === true;
  const prune = values.prune === true;
  const target = await resolveTableTarget(tableFlags(values), io, POLICIES_USAGE);

  const validation = validatePolicySet(await readPolicySources(positionals));
  if (!validation.ok) {
    if (format === 'json') printJson(io, { applied: false, problems: validation.problems });
    else io.stdout(validation.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    io.stderr(`remedy: ${plural(validation.problems.length, 'problem')}: nothing applied\n`);
    return EXIT.runtime;
  }

  return withTable(target, deps, async (doc) => {
    const stored = await readStoredPolicies(doc, target.table).catch(failed('read policies from', target));
    // The stored platform layer, checked for the whole set before the first write (the store checks each put
    // too, but a refusal there would leave the set half-applied).
    const layer = await readPlatform(doc, target.table).catch(failed('read the platform layer from', target));
    if (layer.state === 'invalid')
      io.stderr(
        `remedy: the platform layer in ${target.table} is invalid: policies are applied, but the function runs them in dry-run until \`remedy platform apply\` fixes it\n`,
      );
    const broken = platformViolations(
      validation.policies,
      layer.state === 'valid' ? layer.platform : undefined,
    );
    if (broken.length > 0) {
      const problems = broken.map(({ origin, message }) => ({ file: origin, message }));
      if (format === 'json') printJson(io, { applied: false, problems });
      else io.stdout(problems.map((p) => `${formatProblem(p)}\n`).join(''));
      io.stderr(
        `remedy: ${plural(problems.length, 'problem')}: the set loosens the platform layer: nothing applied\n`,
      );
      return EXIT.runtime;
    }
    const plan = planApply(validation.policies, stored, prune);
    if (plan.conflicts.length > 0) {
      const problems = plan.conflicts.map((message) => ({ file: target.table, message }));
      if (format === 'json') printJson(io, { applied: false, problems });
      else io.stdout(problems.map((p) => `${formatProblem(p)}\n`).join(''));
      io.stderr(
        `remedy: the set conflicts with stored policies it does not contain: nothing applied (add --prune to remove them, or change a priority)\n`,
      );
      return EXIT.runtime;
    }

    // The diff first, then one question: at a terminal the operator says yes; a script passes --yes.
    const writes = plan.changes.filter((c) => c.change !== 'unchanged');
    if (!dryRun && writes.length > 0) {
      if (format === 'table') {
        io.stdout(`${plan.changes.map((c) => `${formatChange(c, true)}\n${diffOf(c, stored)}`).join('')}`);
      }
      const question = `apply ${writes.length === 1 ? '1 change' : `${writes.length} changes`} to ${target.table}?`;
      if (!(await confirm(io, question, values.yes === true, POLICIES_USAGE))) {
        io.stderr('remedy: not confirmed: nothing applied\n');
        return EXIT.runtime;
      }
    }

    const store = new DynamoPolicyStore(doc, target.table, quietObserve(io), 0);
    const at = io.now().toISOString();
    for (const change of plan.changes) {
      if (!dryRun) {
        const write = async () => {
          if (change.put !== undefined) await store.put(change.put, at);
          for (const key of change.removes) await store.remove(key.alertname, key.name);
        };
        await write().catch(failed(`write policy ${cell(change.name)} to`, target));
      }
      // Printed as each change lands: if a later write fails, the lines above it are what happened.
      if (format === 'table' && (dryRun || change.change !== 'unchanged'))
        io.stdout(`${formatChange(change, dryRun)}\n${dryRun ? diffOf(change, stored) : ''}`);
    }
    if (format === 'json') {
      printJson(io, {
        applied: !dryRun,
        dryRun,
        table: target.table,
        changes: plan.changes.map(describeChange),
      });
    } else {
      io.stdout(
        `${summarize(plan.changes, dryRun)} in ${target.table}${dryRun ? ' (dry run: nothing written)' : ''}\n`,
      );
    }
    if (plan.kept.length > 0) {
      io.stderr(
        `remedy: ${plural(plan.kept.length, 'stored policy', 'stored policies')} not in the set kept (${plan.kept.map((k) => cell(k.name)).join(', ')}); --prune removes ${plan.kept.length === 1 ? 'it' : 'them'}\n`,
      );
    }
    return EXIT.ok;
  });
}

/** For an updated policy, its stored document against the file's, as YAML lines. */
function diffOf(change: PlannedChange, stored: readonly StoredPolicy[]): string {
  if (change.change !== 'updated' || change.put === undefined) return '';
  const before =
    stored.find((s) => s.name === change.name && s.alertname === change.alertname) ??
    stored.find((s) => s.name === change.name);
  if (before === undefined) return '';
  const lines = (value: unknown) => stringify(value).trimEnd().split('\n');
  return renderDiff(lineDiff(lines(before.document), lines(change.put)));
}
