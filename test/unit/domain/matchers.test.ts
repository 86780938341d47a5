import { describe, expect, it } from 'vitest';
import { matches, parseMatcher } from '#domain/policy/matchers.js';

describe('Alertmanager matchers', () => {
  it.each([
    ['severity="critical"', { severity: 'critical' }, true],
    ['severity="critical"', { severity: 'warning' }, false],
    ['severity!="info"', { severity: 'critical' }, true],
    ['severity!="info"', {}, true],
    ['severity=~"warning|critical"', { severity: 'warning' }, true],
    // Anchored like Alertmanager: "critical-ish" does not match "critical".
    ['severity=~"warning|critical"', { severity: 'critical-ish' }, false],
    ['namespace!~"kube-.*"', { namespace: 'kube-system' }, false],
    ['namespace!~"kube-.*"', { namespace: 'shop' }, true],
    // A missing label is the empty string.
    ['team=""', {}, true],
    ['team=~".+"', {}, false],
    ['name="a \\"quoted\\" \\\\ value"', { name: 'a "quoted" \\ value' }, true],
    ['severity=critical', { severity: 'critical' }, true],
  ])('%s on %j → %s', (input, labels, expected) => {
    expect(matches(parseMatcher(input), labels)).toBe(expected);
  });

  it.each([
    ['severity', /is not a matcher/],
    ['severity=="x"', /unescaped quote|not a matcher|unquoted/],
    ['x=~"(a+)+"', /can backtrack catastrophically/],
    ['x=~"(a|aa)+"', /can backtrack catastrophically/],
    ['x=~".*a.*b.*c"', /3 unbounded repetitions/],
    ['x=~"(a)\\1"', /backreferences/],
    ['x=~"(?=a)"', /lookaround/],
    ['x=~"["', /does not compile/],
    [`x=~"${'a'.repeat(300)}"`, /at most 256/],
    ['x="unterminated', /unterminated/],
  ])('rejects %s', (input, why) => {
    expect(() => parseMatcher(input)).toThrow(why);
  });
});
