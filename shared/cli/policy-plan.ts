// `policies apply` as a pure diff: the validated set on disk against the records in the table.
import type { PolicyInput } from '#domain/policy/schema.js';
import { checkPolicySet } from '#domain/policy/select.js';
import { canonicalJson, cell } from './output.js';
import type { ValidPolicy } from './policy-files.js';
import type { StoredPolicy } from './table-records.js';

export type ChangeKind = 'created' | 'updated' | 'unchanged' | 'removed';

/** One line of the apply report. `movedFrom` is the previous alertname when a policy changed alertname. */
export interface PolicyChange {
  readonly change: ChangeKind;
  readonly name: string;
  readonly alertname: string;
  readonly file?: string;
  readonly movedFrom?: string;
}

/** A change with the writes that make it: put first, then removes, so a moved policy is never absent. */
export interface PlannedChange extends PolicyChange {
  readonly put?: PolicyInput;
  readonly removes: ReadonlyArray<{ readonly alertname: string; readonly name: string }>;
}

export interface PolicyPlan {
  /** In the set's order, then the pruned records. */
  readonly changes: readonly PlannedChange[];
  /** Stored policies not in the set and left alone (no --prune). */
  readonly kept: readonly StoredPolicy[];
  /** Ties or duplicate names the kept policies would form with the set: apply refuses them. */
  readonly conflicts: readonly string[];
}

/**
 * Compares the set with the table. Policies are keyed by name (unique in a set); a stored record of the same
 * name under another alertname is the same policy moved, so it is removed even without --prune, or two
 * records of one name would both stay live.
 */
export function planApply(
  desired: readonly ValidPolicy[],
  stored: readonly StoredPolicy[],
  prune: boolean,
): PolicyPlan {
  const changes: PlannedChange[] = [];
  const names = new Set(desired.map((d) => d.policy.name));
  for (const { input, policy, origin } of desired) {
    const { name } = policy;
    const alertname = policy.match.alertname;
    const same = stored.find((s) => s.name === name && s.alertname === alertname);
    const moved = stored.filter((s) => s.name === name && s.alertname !== alertname);
    const identical = same !== undefined && canonicalJson(same.document) === canonicalJson(input);
    const change: ChangeKind =
      same === undefined && moved.length === 0
        ? 'created'
        : identical && moved.length === 0
          ? 'unchanged'
          : 'updated';
    changes.push({
      change,
      name,
      alertname,
      file: origin,
      ...(moved[0] === undefined ? {} : { movedFrom: moved.map((m) => m.alertname).join(', ') }),
      ...(identical ? {} : { put: input }),
      removes: moved.map((m) => ({ alertname: m.alertname, name })),
    });
  }
  const others = stored.filter((s) => !names.has(s.name));
  if (prune) {
    for (const s of others) {
      const key = { name: s.name, alertname: s.alertname };
      changes.push({ change: 'removed', ...key, removes: [key] });
    }
  }
  const kept = prune ? [] : others;
  return { changes, kept, conflicts: conflictsWithKept(desired, kept) };
}

/**
 * Problems the set and the kept valid records form together that the kept records did not already have
 * alone: applying would create a tie the function refuses at alert time, so apply refuses it now.
 */
function conflictsWithKept(desired: readonly ValidPolicy[], kept: readonly StoredPolicy[]): string[] {
  const keptPolicies = kept.flatMap((k) => (k.policy === undefined ? [] : [k.policy]));
  if (keptPolicies.length === 0) return [];
  const already = new Set(checkPolicySet(keptPolicies));
  return checkPolicySet([...desired.map((d) => d.policy), ...keptPolicies]).filter((p) => !already.has(p));
}

/** The human verb for a change; a dry run says what it would do. */
export function verb(change: ChangeKind, dryRun: boolean): string {
  if (!dryRun || change === 'unchanged') return change;
  return `would ${change === 'created' ? 'create' : change === 'updated' ? 'update' : 'remove'}`;
}

/** `created restart-crashlooping-pod [KubePodCrashLooping] infra/policies/restart-crashlooping-pod.yaml` */
export function formatChange(c: PolicyChange, dryRun: boolean): string {
  const moved = c.movedFrom === undefined ? '' : ` (moved from ${cell(c.movedFrom)})`;
  const file = c.file === undefined ? '' : ` ${cell(c.file)}`;
  // Removed records come from the table, not from a validated file: their keys are escaped for the terminal.
  return `${verb(c.change, dryRun)} ${cell(c.name)} [${cell(c.alertname)}]${moved}${file}`;
}

/** The report of a change, without its writes (for `--output json`). */
export const describeChange = ({ put: _put, removes: _removes, ...change }: PlannedChange): PolicyChange =>
  change;

/** `2 created, 1 unchanged` (zero counts left out); a dry run says `2 to create`. */
export function summarize(changes: readonly PolicyChange[], dryRun = false): string {
  const order: ChangeKind[] = ['created', 'updated', 'unchanged', 'removed'];
  const parts = order
    .map((kind) => [kind, changes.filter((c) => c.change === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(
      ([kind, n]) =>
        `${n} ${dryRun && kind !== 'unchanged' ? verb(kind, true).replace('would', 'to') : kind}`,
    );
  return parts.length === 0 ? 'no policies' : parts.join(', ');
}
