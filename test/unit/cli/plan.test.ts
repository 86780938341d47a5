import { describe, expect, it } from 'vitest';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';
import { canonicalJson, cell, formatTable } from '../../../shared/cli/output.js';
import type { ValidPolicy } from '../../../shared/cli/policy-files.js';
import { describeChange, formatChange, planApply, summarize } from '../../../shared/cli/policy-plan.js';
import type { StoredPolicy } from '../../../shared/cli/table-records.js';

const input = (name: string, alertname: string, priority: number): PolicyInput => ({
  name,
  match: { alertname },
  priority,
  target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod' },
});
const desired = (doc: PolicyInput): ValidPolicy => ({
  input: doc,
  policy: policySchema.parse(doc),
  origin: `${doc.name}.yaml`,
});
const stored = (doc: PolicyInput, alertname = doc.match.alertname): StoredPolicy => ({
  alertname,
  name: doc.name,
  // As DynamoDB returns a map: same content, keys in another order.
  document: Object.fromEntries(Object.entries(doc).reverse()),
  policy: policySchema.parse(doc) as Policy,
});

describe('planApply', () => {
  const a = input('a', 'A', 1);
  const b = input('b', 'B', 1);

  it('creates what is new, updates what differs, leaves equal documents alone whatever their key order', () => {
    // Act
    const plan = planApply(
      [desired(a), desired({ ...b, priority: 2 }), desired(input('c', 'C', 1))],
      [stored(a), stored(b)],
      false,
    );

    // Assess
    expect(plan.changes.map(describeChange)).toEqual([
      { change: 'unchanged', name: 'a', alertname: 'A', file: 'a.yaml' },
      { change: 'updated', name: 'b', alertname: 'B', file: 'b.yaml' },
      { change: 'created', name: 'c', alertname: 'C', file: 'c.yaml' },
    ]);
    expect(plan.changes.map((c) => [c.put?.name, c.removes])).toEqual([
      [undefined, []],
      ['b', []],
      ['c', []],
    ]);
    expect(plan.conflicts).toEqual([]);
  });

  it('moves a policy whose alertname changed: the new record is put, the old one removed even without --prune', () => {
    // Act
    const plan = planApply([desired(input('a', 'A2', 1))], [stored(a)], false);

    // Assess
    expect(plan.changes).toEqual([
      expect.objectContaining({
        change: 'updated',
        name: 'a',
        alertname: 'A2',
        movedFrom: 'A',
        removes: [{ alertname: 'A', name: 'a' }],
      }),
    ]);
    expect(formatChange(plan.changes[0]!, false)).toBe('updated a [A2] (moved from A) a.yaml');
  });

  it('keeps stored policies outside the set unless --prune, invalid ones included', () => {
    // Prepare
    const invalid: StoredPolicy = {
      alertname: 'X',
      name: 'broken',
      document: { name: 'broken' },
      problem: 'document.match: required',
    };

    // Act
    const kept = planApply([desired(a)], [stored(a), stored(b), invalid], false);
    const pruned = planApply([desired(a)], [stored(a), stored(b), invalid], true);

    // Assess
    expect(kept.kept.map((k) => k.name)).toEqual(['b', 'broken']);
    expect(kept.changes.map((c) => c.change)).toEqual(['unchanged']);
    expect(pruned.kept).toEqual([]);
    expect(pruned.changes.map((c) => `${c.change} ${c.name}`)).toEqual([
      'unchanged a',
      'removed b',
      'removed broken',
    ]);
    expect(summarize(pruned.changes)).toBe('1 unchanged, 2 removed');
    expect(summarize(pruned.changes, true)).toBe('1 unchanged, 2 to remove');
  });

  it('refuses a tie between the set and a kept stored policy, but not one the table already had', () => {
    // Prepare
    const table = [stored(input('old', 'A', 1)), stored(input('x', 'X', 5)), stored(input('y', 'X', 5))];

    // Act
    const plan = planApply([desired(input('new', 'A', 1))], table, false);
    const withPrune = planApply([desired(input('new', 'A', 1))], table, true);

    // Assess
    expect(plan.conflicts).toEqual([
      'policies "new" and "old" both handle A with priority 1: give one a higher priority',
    ]);
    expect(withPrune.conflicts).toEqual([]);
  });

  it('words a dry run as what it would do', () => {
    // Act
    const plan = planApply([desired(a), desired(b)], [stored(a), stored(input('z', 'Z', 1))], true);

    // Assess
    expect(plan.changes.map((c) => formatChange(c, true))).toEqual([
      'unchanged a [A] a.yaml',
      'would create b [B] b.yaml',
      'would remove z [Z]',
    ]);
  });
});

describe('output helpers', () => {
  it('pads columns but the last, and escapes control characters', () => {
    // Act
    const table = formatTable(
      ['NAME', 'STATUS'],
      [
        [cell('a'), cell('ok')],
        [cell('long-name\n'), cell(undefined)],
      ],
    );

    // Assess
    // 'long-name\u000a' is 15 characters: the first column is that wide, then two spaces.
    expect(table).toBe(`${'NAME'.padEnd(15)}  STATUS\n${'a'.padEnd(15)}  ok\nlong-name\\u000a  -\n`);
  });

  it('compares documents regardless of key order, but not of array order', () => {
    // Assess
    expect(canonicalJson({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      canonicalJson({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});
