import type { Target } from '../target/target.js';

/** Namespaces no policy may touch unless the operator changes the global list (REMEDY_PROTECTED_NAMESPACES). */
export const DEFAULT_PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

export type Check = { pass: true } | { pass: false; code: string; reason: string };
const PASS: Check = { pass: true };

/** The namespace scope: the global protected list first, then the policy's deny list, then its allow list. */
export const checkNamespaceScope = (
  target: Target,
  policyScope: { allow?: readonly string[] | undefined; deny: readonly string[] },
  protectedNamespaces: readonly string[],
): Check => {
  const ns = target.namespace;
  if (protectedNamespaces.includes(ns)) {
    return { pass: false, code: 'namespace-protected', reason: `namespace ${ns} is protected globally` };
  }
  if (policyScope.deny.includes(ns)) {
    return { pass: false, code: 'namespace-denied', reason: `namespace ${ns} is on the policy's deny list` };
  }
  if (policyScope.allow && !policyScope.allow.includes(ns)) {
    return {
      pass: false,
      code: 'namespace-not-allowed',
      reason: `namespace ${ns} is not on the policy's allow list (${policyScope.allow.join(', ')})`,
    };
  }
  return PASS;
};
