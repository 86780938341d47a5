// Policy files on disk → a validated policy set, with every problem attributed to the file that causes it.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type PolicySource, validatePolicies } from '#app/apply-policies.js';
import { formatIssues } from '#domain/errors.js';
import { type Policy, type PolicyInput, policySchema } from '#domain/policy/schema.js';
import { checkPolicySet } from '#domain/policy/select.js';

/** One problem of one file; printed as `file: message`, one per line. */
export interface Problem {
  readonly file: string;
  readonly message: string;
}

/** A policy ready to store: the document as written, the validated policy, and the file it came from. */
export interface ValidPolicy {
  readonly input: PolicyInput;
  readonly policy: Policy;
  readonly origin: string;
}

export type SetValidation =
  | { readonly ok: true; readonly policies: readonly ValidPolicy[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export const formatProblem = (p: Problem): string => `${p.file}: ${p.message}`;

/** The extensions a policy folder is read for (as the local stack reads infra/policies). */
const POLICY_FILE = /\.(ya?ml|json)$/;

/** Parses one YAML (or JSON) document; a syntax error becomes a problem with its line and column. */
export async function readYamlFile(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; problems: Problem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ file, message: `cannot read: ${(error as Error).message}` }] };
  }
  // Duplicate keys are errors (the yaml default): a policy where the second `action:` silently wins is a trap.
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        // The library's message repeats the position and adds a source excerpt: keep its first line only.
        const text = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
        return { file, message: at ? `line ${at.line}, column ${at.col}: ${text}` : text };
      }),
    };
  }
  if (doc.contents === null) return { ok: false, problems: [{ file, message: 'the file is empty' }] };
  return { ok: true, value: doc.toJS() as unknown };
}

/** What was read: the documents, the files that could not be read, and every path in the order met. */
export interface PolicyFiles {
  readonly sources: readonly PolicySource[];
  readonly problems: readonly Problem[];
  readonly order: readonly string[];
}

/** Reads the files named and the policy files of the folders named (not recursive), each file once. */
export async function readPolicySources(paths: readonly string[]): Promise<PolicyFiles> {
  const sources: PolicySource[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const order: string[] = [];
  for (const path of paths) {
    order.push(path);
    let files: string[];
    try {
      if ((await stat(path)).isDirectory()) {
        files = (await readdir(path))
          .filter((f) => POLICY_FILE.test(f))
          .sort()
          .map((f) => join(path, f));
        if (files.length === 0)
          problems.push({ file: path, message: 'no policy files (*.yaml, *.yml, *.json)' });
      } else {
        files = [path];
      }
    } catch {
      problems.push({ file: path, message: 'no such file or directory' });
      continue;
    }
    for (const file of files) {
      // `infra/policies infra/policies/a.yaml` must not read a.yaml twice and then call its name a duplicate.
      if (seen.has(resolve(file))) continue;
      seen.add(resolve(file));
      order.push(file);
      const read = await readYamlFile(file);
      if (read.ok) sources.push({ origin: file, document: read.value });
      else problems.push(...read.problems);
    }
  }
  return { sources, problems, order };
}

/**
 * Validates the set as `validatePolicies` does (each document, then unique names and priority ties across
 * them), but reports every zod issue on its own line and names the file that introduced each set conflict.
 */
export function validatePolicySet(read: PolicyFiles): SetValidation {
  const problems: Problem[] = [...read.problems];
  const valid: Array<{ policy: Policy; origin: string }> = [];
  for (const source of read.sources) {
    const parsed = policySchema.safeParse(source.document);
    if (parsed.success) valid.push({ policy: parsed.data, origin: source.origin });
    else
      for (const issue of parsed.error.issues)
        problems.push({ file: source.origin, message: formatIssues([issue]) });
  }
  // checkPolicySet reports a conflict when it meets the later policy, in order, so the problems a policy adds
  // to the prefix before it are its own. Quadratic, which is nothing for the tens of policies a team keeps.
  let before: string[] = [];
  for (let i = 0; i < valid.length; i++) {
    const now = checkPolicySet(valid.slice(0, i + 1).map((v) => v.policy));
    for (const message of now.slice(before.length)) problems.push({ file: valid[i]?.origin ?? '', message });
    before = now;
  }
  // Reported file by file, in the order given, however each problem was found (read, schema, set).
  const rank = (p: Problem) => read.order.indexOf(p.file);
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => rank(a) - rank(b)) };
  // The use case stays the authority on what may be stored; the attribution above only explains it better.
  const result = validatePolicies(read.sources);
  if (!result.ok)
    return { ok: false, problems: result.problems.map((message) => ({ file: 'policy set', message })) };
  return { ok: true, policies: result.policies };
}
