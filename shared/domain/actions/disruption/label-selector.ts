import type { LabelSelector } from '../rollback/objects.js';

type Labels = Readonly<Record<string, string>> | undefined;
type Expression = NonNullable<LabelSelector['matchExpressions']>[number];

/** One `matchExpressions` entry against the labels; an operator Kubernetes does not know matches nothing. */
const expressionMatches = (e: Expression, labels: Labels): boolean => {
  const value = labels !== undefined && Object.hasOwn(labels, e.key) ? labels[e.key] : undefined;
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      // A missing label is "not in" any set, as in apimachinery.
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
};

/**
 * Whether a `metav1.LabelSelector` selects an object with these labels: every `matchLabels` pair and every
 * expression must hold, so an empty selector selects everything. A null selector is the caller's to
 * interpret (a PodDisruptionBudget's selects nothing).
 */
export const selectorMatches = (selector: LabelSelector, labels: Labels): boolean =>
  Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels !== undefined && Object.hasOwn(labels, key) && labels[key] === value,
  ) && (selector.matchExpressions ?? []).every((e) => expressionMatches(e, labels));
