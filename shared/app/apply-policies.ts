import { formatIssues } from '#domain/errors.js';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';
import { checkPolicySet } from '#domain/policy/select.js';

export interface PolicySource {
  /** Where the document came from (a file path), for error messages. */
  origin: string;
  document: unknown;
}

export type PolicyValidation =
  | { ok: true; policies: Array<{ input: PolicyInput; policy: Policy; origin: string }> }
  | { ok: false; problems: string[] };

/** Validates a whole policy set as it will be applied: each document, then names and priorities across them. */
export const validatePolicies = (sources: readonly PolicySource[]): PolicyValidation => {
  const problems: string[] = [];
  const valid: Array<{ input: PolicyInput; policy: Policy; origin: string }> = [];
  for (const source of sources) {
    const parsed = policySchema.safeParse(source.document);
    if (parsed.success)
      valid.push({ input: source.document as PolicyInput, policy: parsed.data, origin: source.origin });
    else problems.push(`${source.origin}: ${formatIssues(parsed.error.issues)}`);
  }
  problems.push(...checkPolicySet(valid.map((v) => v.policy)));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policies: valid };
};
