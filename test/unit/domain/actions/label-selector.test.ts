import { describe, expect, it } from 'vitest';
import { selectorMatches } from '#domain/actions/disruption/label-selector.js';
import type { LabelSelector } from '#domain/actions/rollback/objects.js';

const web = { app: 'web', tier: 'front' };

describe('selectorMatches', () => {
  it.each<[string, LabelSelector, Record<string, string> | undefined, boolean]>([
    ['an empty selector selects everything', {}, web, true],
    ['an empty selector selects an unlabelled pod too', {}, undefined, true],
    ['matchLabels: equal value', { matchLabels: { app: 'web' } }, web, true],
    ['matchLabels: other value', { matchLabels: { app: 'db' } }, web, false],
    ['matchLabels: all pairs must hold', { matchLabels: { app: 'web', tier: 'back' } }, web, false],
    ['matchLabels: no labels', { matchLabels: { app: 'web' } }, undefined, false],
    [
      'In: value in the set',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'x'] }] },
      web,
      true,
    ],
    ['In: label missing', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, web, false],
    [
      'NotIn: value in the set',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
      web,
      false,
    ],
    [
      'NotIn: label missing matches',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      web,
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, web, true],
    ['Exists: missing', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, web, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, web, true],
    ['DoesNotExist: present', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, web, false],
    [
      'an unknown operator selects nothing',
      { matchExpressions: [{ key: 'app', operator: 'Equals' }] },
      web,
      false,
    ],
    [
      'labels and expressions together',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
      web,
      false,
    ],
  ])('%s', (_case, selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  it('never matches an inherited property such as "constructor"', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {})).toBe(
      false,
    );
  });
});
