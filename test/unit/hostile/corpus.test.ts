import { describe, expect, it } from 'vitest';
import { validatePolicies } from '#app/apply-policies.js';
import { parseNotification } from '#domain/alert/parse.js';
import { decide } from '#domain/decide.js';
import { AlertParseError } from '#domain/errors.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '#domain/guardrails/scope.js';
import { policySchema } from '#domain/policy/schema.js';
import {
  byteLength,
  isRefusal,
  loadCorpus,
  type MessageCase,
  type Refusal,
  type Skip,
  withLivePod,
} from '../../fixtures/hostile/corpus.js';
import { crashLoopPolicy } from '../../support/remedy.js';
import { timeRegex } from './regex-timer.js';

const { messages, policies } = loadCorpus();
const refusals = messages.filter((c): c is MessageCase & { expect: Refusal } => isRefusal(c.expect));
const targets = messages.filter((c): c is MessageCase & { expect: Skip } => !isRefusal(c.expect));

/** Any valid pod name: unit tests never reach a cluster. */
const UNIT_POD = 'web-live-0';
const policy = policySchema.parse(crashLoopPolicy);
const context = { mode: 'enforce', protectedNamespaces: DEFAULT_PROTECTED_NAMESPACES } as const;
/** DynamoDB's item limit; a dead letter holds the message and the reason, plus a few short attributes. */
const DYNAMODB_ITEM_BYTES = 400 * 1024;
const DEAD_LETTER_OVERHEAD_BYTES = 1024;
/** How long a regex may run before the worker is stopped: far above the bound, so a pass is never luck. */
const GIVE_UP_MS = 2_000;

const clip = (s: string, max = 600) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
const missing = (text: string, wanted: readonly string[]) => wanted.filter((w) => !text.includes(w));

/** parseNotification on a case; a throw becomes a failure that names the case. */
const parse = (c: MessageCase) => {
  try {
    return parseNotification(withLivePod(c.message, UNIT_POD), c.attributes);
  } catch (error) {
    throw new Error(`${c.name}: parseNotification threw instead of refusing: ${String(error)}`);
  }
};

describe('hostile corpus', () => {
  it('has every kind of case', () => {
    expect(refusals.length).toBeGreaterThanOrEqual(50);
    expect(targets.length).toBeGreaterThanOrEqual(20);
    expect(policies.length).toBeGreaterThanOrEqual(20);
  });
});

describe('hostile messages: refused, never thrown, the error names the field', () => {
  it.each(refusals)('$name', (c) => {
    // Act
    const result = parse(c);
    // Assess
    expect(result.ok, `accepted a message that must be refused (${c.why})`).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(AlertParseError);
    expect(result.error.code).toBe(c.expect.code);
    expect(missing(result.error.message, c.expect.messageIncludes), clip(result.error.message)).toEqual([]);
  });

  it('every refusal can be dead-lettered: message + reason fit in one DynamoDB item (400 KB)', () => {
    const tooBig = refusals.flatMap((c) => {
      const result = parse(c);
      if (result.ok) return [];
      const bytes = byteLength(c.message) + byteLength(result.error.message) + DEAD_LETTER_OVERHEAD_BYTES;
      return bytes > DYNAMODB_ITEM_BYTES
        ? [`${c.name}: ${byteLength(c.message)} B message + ${byteLength(result.error.message)} B reason`]
        : [];
    });
    expect(tooBig).toEqual([]);
  });
});

describe('hostile labels: the message parses, the target is refused before any API call', () => {
  it.each(targets)('$name', (c) => {
    // Prepare
    const result = parse(c);
    expect(result.ok, result.ok ? '' : clip(result.error.message)).toBe(true);
    if (!result.ok) return;
    // Act
    const decisions = result.notification.alerts.map((alert) => decide(alert, [policy], context));
    // Assess
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) {
      expect(decision.kind).toBe('skip');
      if (decision.kind !== 'skip') continue;
      expect(decision.code).toBe(c.expect.code);
      expect(missing(decision.reason, c.expect.reasonIncludes), clip(decision.reason)).toEqual([]);
    }
  });
});

describe('hostile policies: refused with the path, or (regexes) accepted only if matching stays fast', () => {
  it.each(policies)('$name', async (c) => {
    // Act
    const parsed = policySchema.safeParse(c.policy);
    const validation = validatePolicies([{ origin: c.name, document: c.policy }]);
    // Assess
    expect(validation.ok).toBe(parsed.success);
    if (!validation.ok) {
      const problems = validation.problems.join('\n');
      expect(missing(problems, c.expect.errorIncludes), problems).toEqual([]);
      return;
    }
    const bound = c.expect.orMatchWithinMs;
    expect(bound, `accepted a policy that must be refused (${c.why})`).toBeDefined();
    if (bound === undefined) return;
    const labels = c.adversarialLabels ?? {};
    for (const { policy: accepted } of validation.policies) {
      for (const matcher of accepted.match.matchers) {
        if (!matcher.regex) continue;
        const input = labels[matcher.name] ?? '';
        const timing = await timeRegex(matcher.regex, input, GIVE_UP_MS);
        expect(
          timing.finished && timing.ms < bound,
          `${matcher.regex} on a ${input.length}-character label: ${
            timing.finished ? `${timing.ms.toFixed(1)} ms` : `still running after ${GIVE_UP_MS} ms (stopped)`
          }; the validator accepted it, so matching must finish within ${bound} ms`,
        ).toBe(true);
      }
    }
  });
});
