import { describe, expect, it } from 'vitest';
import { formatLabelSelector, groupPath, selectorQuery } from '#adapters/kubernetes/paths.js';
import type { LabelSelector } from '#domain/actions/rollback/objects.js';

describe('formatLabelSelector', () => {
  it.each<[LabelSelector, string]>([
    [{}, ''],
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchLabels: { tier: 'front', app: 'web' } }, 'app=web,tier=front'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['b', 'a'] },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'owner', operator: 'Exists' },
        ],
      },
      'app=web,!canary,owner,track notin (canary),zone in (a,b)',
    ],
  ])('%j → %j', (selector, text) => {
    expect(formatLabelSelector(selector)).toBe(text);
  });

  it.each<[LabelSelector, RegExp]>([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, /In on "a" needs values/],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      /Exists on "a" takes no values/,
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, /unknown operator "Gt"/],
  ])('refuses %j, not retryable', (selector, message) => {
    expect(() => formatLabelSelector(selector)).toThrow(message);
    expect(() => formatLabelSelector(selector)).toThrow(expect.objectContaining({ retryable: false }));
  });
});

describe('paths', () => {
  it('encodes the selector as a query, and omits an empty one', () => {
    expect(selectorQuery({ matchLabels: { app: 'web' } })).toBe('?labelSelector=app%3Dweb');
    expect(selectorQuery({})).toBe('');
  });

  it('builds apps and policy paths with escaped segments', () => {
    expect(groupPath('apps', 'demo', 'deployments', 'web')).toBe(
      '/apis/apps/v1/namespaces/demo/deployments/web',
    );
    expect(groupPath('policy', 'demo', 'poddisruptionbudgets')).toBe(
      '/apis/policy/v1/namespaces/demo/poddisruptionbudgets',
    );
    expect(groupPath('apps', 'a/b', 'deployments', '..')).toBe(
      '/apis/apps/v1/namespaces/a%2Fb/deployments/..',
    );
  });
});
