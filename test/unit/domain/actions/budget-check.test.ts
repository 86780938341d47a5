import { describe, expect, it } from 'vitest';
import {
  type BudgetCheck,
  checkDisruptionBudgets,
  type PodDisruptionBudget,
  type PodForBudget,
} from '#domain/actions/disruption/budget-check.js';
import type { LabelSelector } from '#domain/actions/rollback/objects.js';

const pod = (extra: Partial<PodForBudget> = {}): PodForBudget => ({
  namespace: 'demo',
  labels: { app: 'web' },
  phase: 'Running',
  ready: true,
  ...extra,
});

const pdb = (
  name: string,
  status: NonNullable<PodDisruptionBudget['status']>,
  extra: { selector?: LabelSelector | null; namespace?: string; generation?: number; policy?: string } = {},
): PodDisruptionBudget => ({
  metadata: { name, namespace: extra.namespace ?? 'demo', generation: extra.generation ?? 1 },
  spec: {
    selector: extra.selector === undefined ? { matchLabels: { app: 'web' } } : extra.selector,
    ...(extra.policy ? { unhealthyPodEvictionPolicy: extra.policy } : {}),
  },
  status: { observedGeneration: 1, ...status },
});

const spent = { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 };
const room = { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 };
const blocked = (budget: string, why: string): BudgetCheck => ({ ok: false, budget, why });

describe('checkDisruptionBudgets', () => {
  it.each<[string, PodForBudget, PodDisruptionBudget[], BudgetCheck]>([
    ['no budget at all', pod(), [], { ok: true }],
    ['a budget with room', pod(), [pdb('web-pdb', room)], { ok: true }],
    ['a spent budget', pod(), [pdb('web-pdb', spent)], blocked('web-pdb', 'needs 2 healthy pods and has 2')],
    [
      'a negative disruptionsAllowed',
      pod(),
      [pdb('web-pdb', { ...spent, disruptionsAllowed: -1 })],
      blocked('web-pdb', 'needs 2 healthy pods and has 2'),
    ],
    [
      'a spent budget selecting other pods',
      pod(),
      [pdb('db-pdb', spent, { selector: { matchLabels: { app: 'db' } } })],
      { ok: true },
    ],
    [
      'a spent budget in another namespace',
      pod(),
      [pdb('web-pdb', spent, { namespace: 'other' })],
      { ok: true },
    ],
    [
      'a spent budget with a null selector (selects nothing)',
      pod(),
      [pdb('web-pdb', spent, { selector: null })],
      { ok: true },
    ],
    [
      'a spent budget with an empty selector (selects all)',
      pod(),
      [pdb('all', spent, { selector: {} })],
      blocked('all', 'needs 2 healthy pods and has 2'),
    ],
    [
      'the first of several budgets that forbids it',
      pod(),
      [pdb('a-room', room), pdb('b-spent', spent)],
      blocked('b-spent', 'needs 2 healthy pods and has 2'),
    ],
    [
      'a status older than the spec',
      pod(),
      [pdb('web-pdb', room, { generation: 2 })],
      blocked('web-pdb', 'its status is not yet computed for its current spec'),
    ],
    ['a Pending pod (canIgnorePDB)', pod({ phase: 'Pending' }), [pdb('web-pdb', spent)], { ok: true }],
    ['a Succeeded pod', pod({ phase: 'Succeeded' }), [pdb('web-pdb', spent)], { ok: true }],
    ['a Failed pod', pod({ phase: 'Failed' }), [pdb('web-pdb', spent)], { ok: true }],
    ['an unready pod while the budget is met', pod({ ready: false }), [pdb('web-pdb', spent)], { ok: true }],
    [
      'an unready pod while the budget is not met',
      pod({ ready: false }),
      [pdb('web-pdb', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 })],
      blocked('web-pdb', 'needs 2 healthy pods and has 1'),
    ],
    [
      'an unready pod under AlwaysAllow',
      pod({ ready: false }),
      [
        pdb(
          'web-pdb',
          { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 },
          { policy: 'AlwaysAllow' },
        ),
      ],
      { ok: true },
    ],
  ])('%s', (_case, p, budgets, expected) => {
    expect(checkDisruptionBudgets(p, budgets)).toEqual(expected);
  });
});
