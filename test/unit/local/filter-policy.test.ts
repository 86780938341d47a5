import { describe, expect, it } from 'vitest';
import {
  FilterPolicyError,
  matchAttributes,
  matchBody,
  type SnsEventAttribute,
  validateFilterPolicy,
} from '../../../infra/local/sns/filter-policy.js';

const str = (Value: string): SnsEventAttribute => ({ Type: 'String', Value });
const num = (Value: string): SnsEventAttribute => ({ Type: 'Number', Value });
const arr = (values: unknown[]): SnsEventAttribute => ({
  Type: 'String.Array',
  Value: JSON.stringify(values),
});

const matches = (policy: unknown, attributes: Record<string, SnsEventAttribute>) =>
  matchAttributes(policy, attributes).match;

describe('matchAttributes', () => {
  it("routes serverless.yml's policy: anything but severity info, which Alertmanager defaults to none", () => {
    // Prepare
    const policy = { severity: [{ 'anything-but': ['info'] }] };
    // Act
    const critical = matchAttributes(policy, { severity: str('critical') });
    const info = matchAttributes(policy, { severity: str('info') });
    const none = matchAttributes(policy, { severity: str('none') });
    const absent = matchAttributes(policy, {});
    // Assess
    expect([critical.match, info.match, none.match, absent.match]).toEqual([true, false, true, false]);
    expect(info).toEqual({
      match: false,
      reason: 'severity: "info" does not match [{"anything-but":["info"]}]',
    });
    expect(absent.match || absent.reason).toBe('severity: absent does not match [{"anything-but":["info"]}]');
  });

  it('matches exact strings case-sensitively, OR within a key and AND across keys', () => {
    const policy = { alertname: ['PodCrashLooping', 'PodMemoryHigh'], cluster: ['prod'] };
    expect(matches(policy, { alertname: str('PodMemoryHigh'), cluster: str('prod') })).toBe(true);
    expect(matches(policy, { alertname: str('podmemoryhigh'), cluster: str('prod') })).toBe(false);
    expect(matches(policy, { alertname: str('PodMemoryHigh'), cluster: str('staging') })).toBe(false);
  });

  it('takes anything-but as a single value, a list, or a prefix', () => {
    expect(matches({ s: [{ 'anything-but': 'info' }] }, { s: str('info') })).toBe(false);
    expect(matches({ s: [{ 'anything-but': 'info' }] }, { s: str('warning') })).toBe(true);
    expect(matches({ n: [{ 'anything-but': [1, 2] }] }, { n: num('2') })).toBe(false);
    expect(matches({ n: [{ 'anything-but': [1, 2] }] }, { n: num('3') })).toBe(true);
    expect(matches({ ns: [{ 'anything-but': { prefix: 'kube-' } }] }, { ns: str('kube-system') })).toBe(
      false,
    );
    expect(matches({ ns: [{ 'anything-but': { prefix: 'kube-' } }] }, { ns: str('shop') })).toBe(true);
  });

  it('supports prefix, suffix and equals-ignore-case on strings only', () => {
    expect(matches({ c: [{ prefix: 'prod-' }] }, { c: str('prod-eu') })).toBe(true);
    expect(matches({ c: [{ prefix: 'prod-' }] }, { c: str('staging') })).toBe(false);
    expect(matches({ c: [{ suffix: '-eu' }] }, { c: str('prod-eu') })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': 'CRITICAL' }] }, { s: str('Critical') })).toBe(true);
    expect(matches({ s: [{ prefix: '1' }] }, { s: num('10') })).toBe(false);
  });

  it('compares numbers with exact and range conditions, on Number attributes only', () => {
    const range = { p: [{ numeric: ['>', 0, '<=', 5] }] };
    expect(matches(range, { p: num('5') })).toBe(true);
    expect(matches(range, { p: num('0') })).toBe(false);
    expect(matches(range, { p: num('5.5') })).toBe(false);
    expect(matches({ p: [{ numeric: ['=', 3] }] }, { p: num('3.0') })).toBe(true);
    expect(matches({ p: [3] }, { p: num('3') })).toBe(true);
    expect(matches({ p: [3] }, { p: str('3') })).toBe(false);
  });

  it('tells present from absent with exists, the only condition an absent attribute can satisfy', () => {
    expect(matches({ cluster: [{ exists: true }] }, { cluster: str('prod') })).toBe(true);
    expect(matches({ cluster: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ cluster: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ cluster: [{ exists: false }] }, { cluster: str('prod') })).toBe(false);
  });

  it('matches a String.Array when any element matches, and ignores Binary attributes', () => {
    expect(matches({ teams: ['sre'] }, { teams: arr(['web', 'sre']) })).toBe(true);
    expect(matches({ teams: ['db'] }, { teams: arr(['web', 'sre']) })).toBe(false);
    expect(matches({ blob: [{ exists: false }] }, { blob: { Type: 'Binary', Value: 'AAE=' } })).toBe(true);
  });

  it('accepts a message when any "$or" alternative matches, besides the other keys', () => {
    const policy = { status: ['firing'], $or: [{ severity: ['critical'] }, { cluster: ['prod'] }] };
    expect(matches(policy, { status: str('firing'), severity: str('warning'), cluster: str('prod') })).toBe(
      true,
    );
    expect(matches(policy, { status: str('firing'), severity: str('warning'), cluster: str('dev') })).toBe(
      false,
    );
    expect(matches(policy, { status: str('resolved'), severity: str('critical') })).toBe(false);
  });
});

describe('matchBody', () => {
  it('descends into nested keys of a JSON body and never matches a non-JSON body', () => {
    const policy = { commonLabels: { severity: ['critical'] }, status: ['firing'] };
    const body = JSON.stringify({ status: 'firing', commonLabels: { severity: 'critical' } });
    expect(matchBody(policy, body).match).toBe(true);
    expect(matchBody(policy, body.replace('critical', 'warning')).match).toBe(false);
    expect(matchBody(policy, 'Alerts Firing: ...')).toEqual({
      match: false,
      reason: 'message body is not JSON',
    });
  });

  it('matches a body array when any element matches', () => {
    const body = JSON.stringify({ alerts: [{ labels: { pod: 'a' } }, { labels: { pod: 'b' } }] });
    expect(matchBody({ alerts: { labels: { pod: ['b'] } } }, body).match).toBe(true);
    expect(matchBody({ alerts: { labels: { pod: ['c'] } } }, body).match).toBe(false);
  });
});

describe('validateFilterPolicy', () => {
  it('accepts the policy in serverless.yml', () => {
    expect(() =>
      validateFilterPolicy({ severity: [{ 'anything-but': ['info'] }] }, 'MessageAttributes'),
    ).not.toThrow();
  });

  it.each([
    ['an unknown operator', { a: [{ wildcard: 'x*' }] }],
    ['a bad numeric condition', { a: [{ numeric: ['~', 1] }] }],
    ['a condition that is not a list', { a: 'x' }],
    ['an empty list', { a: [] }],
    ['nesting in an attribute policy', { a: { b: ['x'] } }],
    ['a one-alternative "$or"', { $or: [{ a: ['x'] }] }],
  ])('refuses %s, as SNS refuses the subscription', (_what, policy) => {
    expect(() => validateFilterPolicy(policy, 'MessageAttributes')).toThrow(FilterPolicyError);
  });
});
