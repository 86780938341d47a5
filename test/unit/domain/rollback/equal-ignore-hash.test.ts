import { describe, expect, it } from 'vitest';
import { equalIgnoreHash, withoutHashLabel } from '#domain/actions/rollback/equal-ignore-hash.js';
import type { PodTemplate } from '#domain/actions/rollback/objects.js';
import { semanticEqual } from '#domain/actions/rollback/semantic-equal.js';
import { podTemplate } from './fixtures.js';

const withLabels = (labels: Record<string, string> | undefined): PodTemplate => ({
  metadata: labels === undefined ? {} : { labels },
  spec: { containers: [{ name: 'app', image: 'shop/web:v1' }] },
});

describe('equalIgnoreHash', () => {
  it.each<[string, PodTemplate, PodTemplate, boolean]>([
    ['identical templates', podTemplate('a'), podTemplate('a'), true],
    ['only the hash differs', podTemplate('a', { 'pod-template-hash': 'x1' }), podTemplate('a'), true],
    [
      'two different hashes',
      podTemplate('a', { 'pod-template-hash': 'x1' }),
      podTemplate('a', { 'pod-template-hash': 'x2' }),
      true,
    ],
    ['a different image', podTemplate('a'), podTemplate('b'), false],
    [
      'another label besides the hash',
      podTemplate('a', { 'pod-template-hash': 'x', tier: 'f' }),
      podTemplate('a'),
      false,
    ],
    [
      'hash as the only label vs no labels map',
      withLabels({ 'pod-template-hash': 'x' }),
      withLabels(undefined),
      true,
    ],
    ['empty labels vs no labels map', withLabels({}), withLabels(undefined), true],
    ['a label value differs', withLabels({ app: 'web' }), withLabels({ app: 'api' }), false],
  ])('%s → %s', (_case, a, b, expected) => {
    expect(equalIgnoreHash(a, b)).toBe(expected);
    expect(equalIgnoreHash(b, a)).toBe(expected);
  });
});

describe('withoutHashLabel', () => {
  it('drops the label, keeps key order and leaves the input untouched', () => {
    const input: PodTemplate = {
      metadata: {
        creationTimestamp: null,
        labels: { app: 'x', 'pod-template-hash': 'h' },
        annotations: { a: '1' },
      },
      spec: {},
    };
    const before = JSON.stringify(input);
    expect(JSON.stringify(withoutHashLabel(input))).toBe(
      '{"metadata":{"creationTimestamp":null,"labels":{"app":"x"},"annotations":{"a":"1"}},"spec":{}}',
    );
    expect(JSON.stringify(input)).toBe(before);
  });

  it('removes a labels map that only held the hash, as Go omits an empty map', () => {
    expect(withoutHashLabel(withLabels({ 'pod-template-hash': 'h' })).metadata).toEqual({});
  });

  it('returns a template without the label as it is', () => {
    const input = podTemplate('a');
    expect(withoutHashLabel(input)).toBe(input);
  });
});

describe('semanticEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['absent vs null', { a: 1, t: null }, { a: 1 }, true],
    ['absent vs empty object (zero struct)', { resources: {} }, {}, true],
    ['absent vs empty array (nil slice)', { env: [] }, {}, true],
    ['nested empties', { s: { a: { b: {} } } }, { s: null }, true],
    ['top-level empty array vs null', [], null, true],
    ['zero is not absent (pointer fields)', { grace: 0 }, {}, false],
    ['false is not absent', { privileged: false }, {}, false],
    ['empty string is not absent', { name: '' }, {}, false],
    ['array order matters', { c: ['a', 'b'] }, { c: ['b', 'a'] }, false],
    ['array length matters', { c: [{}] }, { c: [] }, false],
    ['null element vs empty element', [null], [{}], true],
    ['number vs string', { r: 1 }, { r: '1' }, false],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, false],
  ])('%s → %s', (_case, a, b, expected) => {
    expect(semanticEqual(a, b)).toBe(expected);
    expect(semanticEqual(b, a)).toBe(expected);
  });
});
