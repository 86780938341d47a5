// What `policy explain` and `replay` decide with: the current policies (the table, or files not yet applied)
// and the function's settings (mode, protected namespaces, cluster budget), each with where it came from.
import type { Mode } from '#domain/decide.js';
import { type Budget, parseBudget } from '#domain/guardrails/budget.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '#domain/guardrails/scope.js';
import { effectivePolicy, type Platform, type Source } from '#domain/policy/platform.js';
import type { Policy } from '#domain/policy/schema.js';
import { type CliIo, envValue, UsageError } from './io.js';
import { plural } from './output.js';
import { formatProblem, readPolicySources, type ValidPolicy, validatePolicySet } from './policy-files.js';
import type { StoredPolicy } from './table-records.js';
import { failed, quietObserve, type TableDeps, withTable } from './table-session.js';
import { readLocalState, resolveTableTarget, type TableTarget } from './table-target.js';

export const DECISION_OPTIONS = {
  policies: { type: 'string', multiple: true },
  'table-policies': { type: 'string' },
  mode: { type: 'string' },
  'cluster-budget': { type: 'string' },
} as const;

export const DECISION_USAGE = `decision options:
  --policies PATH      decide with these policy files or folders instead of the stored policies (repeatable):
                       what a change would do before \`policy apply\`
  --table-policies N   the policies table; default: POLICY_TABLE (or the local stack's with --local)
  --mode MODE          enforce or dry-run, as the function runs; default: the local stack's with --local, else
                       REMEDY_MODE, else dry-run (the deployed default)
  --cluster-budget B   actions per cluster, e.g. 30/1h; default: REMEDY_CLUSTER_MAX_ACTIONS, else 30/1h
  REMEDY_PROTECTED_NAMESPACES (comma-separated) overrides kube-system, kube-public, kube-node-lease`;

export interface DecisionSettings {
  mode: Mode;
  /** Where the mode came from, said next to it: the CLI cannot see a deployed function's environment. */
  modeSource: string;
  protectedNamespaces: readonly string[];
  clusterBudget: Budget;
}

export async function decisionSettings(
  values: { mode?: string | undefined; 'cluster-budget'?: string | undefined; local?: boolean | undefined },
  io: CliIo,
  usage: string,
): Promise<DecisionSettings> {
  let mode: string;
  let modeSource: string;
  const localMode = values.local && values.mode === undefined ? (await readLocalState(io)).mode : undefined;
  if (values.mode !== undefined) [mode, modeSource] = [values.mode, '--mode'];
  else if (localMode !== undefined) [mode, modeSource] = [localMode, 'the local stack'];
  else if (envValue(io.env, 'REMEDY_MODE') !== undefined)
    [mode, modeSource] = [envValue(io.env, 'REMEDY_MODE') ?? '', 'REMEDY_MODE'];
  else [mode, modeSource] = ['dry-run', 'the deployed default; pass --mode enforce if the function enforces'];
  if (mode !== 'enforce' && mode !== 'dry-run')
    throw new UsageError(
      `the mode must be enforce or dry-run, got ${JSON.stringify(mode)} (${modeSource})`,
      usage,
    );
  const budgetText = values['cluster-budget'] ?? envValue(io.env, 'REMEDY_CLUSTER_MAX_ACTIONS') ?? '30/1h';
  let clusterBudget: Budget;
  try {
    clusterBudget = parseBudget(budgetText);
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  const protectedText = envValue(io.env, 'REMEDY_PROTECTED_NAMESPACES');
  const protectedNamespaces =
    protectedText === undefined
      ? [...DEFAULT_PROTECTED_NAMESPACES]
      : protectedText
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  return { mode, modeSource, protectedNamespaces, clusterBudget };
}

/** The policies decided with, as the function sees them: effective (merged with the platform layer). */
export interface DecisionPolicies {
  /** `table remedy-policies-local` or `files infra/policies`. */
  readonly source: string;
  forAlertname(alertname: string): Promise<Policy[]>;
  /** Where each value of a policy came from (policy, platform, team, built-in), and what the layer tightened. */
  provenance(policy: Policy): Promise<{ sources: Record<string, Source>; adjusted: string[] } | undefined>;
}

type PolicyFlags = {
  policies?: string[] | undefined;
  'table-policies'?: string | undefined;
  endpoint?: string | undefined;
  region?: string | undefined;
  local?: boolean | undefined;
};

/**
 * Runs `fn` with the policies to decide with. From the table they are served by the function's own policy store
 * (platform layer applied, invalid records skipped, as at 3 a.m.); files given with --policies are validated as
 * `policy apply` would (an invalid set, or one that loosens the stored platform layer, is an error, exit 1).
 */
export async function withDecisionPolicies<T>(
  values: PolicyFlags,
  io: CliIo,
  deps: TableDeps,
  usage: string,
  fn: (policies: DecisionPolicies) => Promise<T>,
): Promise<T> {
  const files = values.policies !== undefined && values.policies.length > 0 ? values.policies : undefined;
  let target: TableTarget | undefined;
  try {
    target = await resolveTableTarget(
      {
        table: values['table-policies'],
        endpoint: values.endpoint,
        region: values.region,
        local: values.local,
      },
      io,
      usage,
    );
  } catch (error) {
    // Files need no table; the platform layer is then simply not known.
    if (!(files && error instanceof UsageError)) throw error;
  }
  if (target === undefined) return fn(fromFiles(files ?? [], await validFiles(files ?? []), undefined, io));
  const table = target;
  return withTable(table, deps, async (doc) => {
    const { readPlatform } = await import('#adapters/dynamodb/platform-store.js');
    const layer = await readPlatform(doc, table.table).catch(failed('read the platform layer from', table));
    if (layer.state === 'invalid')
      io.stderr(
        `remedy: the platform layer in ${table.table} is invalid: the function runs every policy in dry-run until it is fixed\n`,
      );
    const platform = layer.state === 'valid' ? layer.platform : undefined;
    if (files) return fn(fromFiles(files, await validFiles(files), platform, io));
    const { DynamoPolicyStore } = await import('#adapters/dynamodb/policy-store.js');
    const { readStoredPolicies } = await import('./table-records.js');
    // One read per alertname for the whole run, like a warm function: replay asks for the same names often.
    const store = new DynamoPolicyStore(doc, table.table, quietObserve(io), 24 * 3600);
    let stored: Promise<StoredPolicy[]> | undefined;
    return fn({
      source: `table ${table.table}`,
      forAlertname: (alertname) => store.forAlertname(alertname).catch(failed('read policies from', table)),
      async provenance(policy) {
        stored ??= readStoredPolicies(doc, table.table).catch(failed('read policies from', table));
        const record = (await stored).find(
          (s) => s.name === policy.name && s.alertname === policy.match.alertname,
        );
        if (record === undefined) return undefined;
        const effective = effectivePolicy(platform, record.document, { clamp: true });
        return effective.ok ? { sources: effective.sources, adjusted: effective.adjusted } : undefined;
      },
    });
  });
}

async function validFiles(paths: readonly string[]): Promise<ValidPolicy[]> {
  const result = validatePolicySet(await readPolicySources(paths));
  if (!result.ok)
    throw new Error(
      `the policy files are invalid (${plural(result.problems.length, 'problem')}):\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  return [...result.policies];
}

function fromFiles(
  paths: readonly string[],
  valid: readonly ValidPolicy[],
  platform: Platform | undefined,
  io: CliIo,
): DecisionPolicies {
  const effective = valid.map((v) => ({ v, e: effectivePolicy(platform, v.input) }));
  const broken = effective.filter((x) => !x.e.ok);
  if (broken.length > 0)
    throw new Error(
      `policies that break the platform layer (\`policy apply\` refuses them):\n${broken
        .map((x) => `  ${x.v.origin}: ${x.e.ok ? '' : x.e.violations.join('; ')}`)
        .join('\n')}`,
    );
  if (platform === undefined && paths.length > 0)
    io.stderr('remedy: no platform layer known (no policies table): the files are judged on their own\n');
  const policies = effective.flatMap((x) =>
    x.e.ok ? [{ policy: x.e.policy, sources: x.e.sources, adjusted: x.e.adjusted }] : [],
  );
  return {
    source: `files ${paths.join(', ')}`,
    forAlertname: async (alertname) =>
      policies.filter((p) => p.policy.match.alertname === alertname).map((p) => p.policy),
    provenance: async (policy) => {
      const found = policies.find((p) => p.policy === policy);
      return found === undefined ? undefined : { sources: found.sources, adjusted: found.adjusted };
    },
  };
}
