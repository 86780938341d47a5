import { formatIssues } from '#domain/errors.js';
import { effectivePolicy, type Platform } from '#domain/policy/platform.js';
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

/**
 * Validates a whole policy set as it will be applied: each document, then names and priorities across them.
 * With a platform layer, each document is also checked against its limits, and every broken rule is listed.
 */
export const validatePolicies = (sources: readonly PolicySource[], platform?: Platform): PolicyValidation => {
  const problems: string[] = [];
  const valid: Array<{ input: PolicyInput; policy: Policy; origin: string }> = [];
  for (const source of sources) {
    const parsed = policySchema.safeParse(source.document);
    if (!parsed.success) {
      problems.push(`${source.origin}: ${formatIssues(parsed.error.issues)}`);
      continue;
    }
    const input = source.document as PolicyInput;
    if (platform === undefined) {
      valid.push({ input, policy: parsed.data, origin: source.origin });
      continue;
    }
    const effective = effectivePolicy(platform, input);
    if (effective.ok) valid.push({ input, policy: effective.policy, origin: source.origin });
    else problems.push(...effective.violations.map((v) => `${source.origin}: ${v}`));
  }
  problems.push(...checkPolicySet(valid.map((v) => v.policy)));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policies: valid };
};

/**
 * The rules of the platform layer a set of (schema-valid) policies breaks, one `origin: sentence` each; empty
 * when all fit. `policy apply` calls this with the stored layer before its first write.
 */
export const platformViolations = (
  policies: ReadonlyArray<{ input: PolicyInput; origin: string }>,
  platform: Platform | undefined,
): Array<{ origin: string; message: string }> => {
  if (platform === undefined) return [];
  return policies.flatMap(({ input, origin }) => {
    const effective = effectivePolicy(platform, input);
    return effective.ok ? [] : effective.violations.map((message) => ({ origin, message }));
  });
};
