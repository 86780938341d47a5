import { describe, expect, it } from 'vitest';
import { describeBudgetRefusal, refusingBudget } from '#domain/actions/disruption/eviction-refusal.js';

const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

describe('describeBudgetRefusal', () => {
  it('names the budget from the apiserver cause', () => {
    const causes = ['The disruption budget web-pdb needs 2 healthy pods and has 2 currently'];
    expect(describeBudgetRefusal(causes, REFUSED)).toBe(
      'blocked by PodDisruptionBudget web-pdb: needs 2 healthy pods and has 2 currently',
    );
    expect(refusingBudget(causes)).toBe('web-pdb');
  });

  it('reads the stale-status cause too, without its final period', () => {
    const causes = ['The disruption budget agent is still being processed by the server.'];
    expect(describeBudgetRefusal(causes, REFUSED)).toBe(
      'blocked by PodDisruptionBudget agent: is still being processed by the server',
    );
  });

  it('keeps unfamiliar wording whole, and falls back to the message without causes', () => {
    expect(describeBudgetRefusal(['budget says no'], REFUSED)).toBe(
      'blocked by a PodDisruptionBudget: budget says no',
    );
    expect(describeBudgetRefusal([], REFUSED)).toBe(`blocked by a PodDisruptionBudget: ${REFUSED}`);
    expect(refusingBudget(['budget says no'])).toBeUndefined();
  });
});
