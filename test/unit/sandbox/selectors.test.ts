import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../infra/local/sandbox/errors.js';
import {
  formatRequirements,
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  selectorRequirements,
} from '../../../infra/local/sandbox/selectors.js';

const web = { app: 'web', tier: 'front', 'pod-template-hash': 'abc12' };
const db = { app: 'db', tier: 'back' };
const matches = (selector: string, labels: Record<string, string> | undefined) =>
  matchesRequirements(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it('matches equality, inequality and double equals', () => {
    // Act / Assess
    expect(matches('app=web', web)).toBe(true);
    expect(matches('app==web,tier=front', web)).toBe(true);
    expect(matches('app=web', db)).toBe(false);
    expect(matches('app!=web', db)).toBe(true);
    expect(matches('app!=web', web)).toBe(false);
    expect(matches('missing!=x', web)).toBe(true); // != also matches when the label is absent
  });

  it('matches set-based in / notin and existence', () => {
    // Act / Assess
    expect(matches('app in (web, api)', web)).toBe(true);
    expect(matches('app in (api,db)', web)).toBe(false);
    expect(matches('tier notin (back)', web)).toBe(true);
    expect(matches('tier notin (back)', db)).toBe(false);
    expect(matches('pod-template-hash', web)).toBe(true);
    expect(matches('!pod-template-hash', db)).toBe(true);
    expect(matches('app in (web),!canary,tier', web)).toBe(true);
  });

  it('treats an empty selector as matching everything, even unlabelled objects', () => {
    // Act / Assess
    expect(matches('', undefined)).toBe(true);
    expect(matches('app', undefined)).toBe(false);
  });

  it('rejects malformed selectors with 400 BadRequest', () => {
    // Act
    const parse = (s: string) => () => parseLabelSelector(s);

    // Assess
    for (const bad of ['app in web', 'app in (web', '=web', 'app=web,,', 'a b']) {
      expect(parse(bad), bad).toThrow(ApiError);
    }
    try {
      parseLabelSelector('app in web');
    } catch (e) {
      expect((e as ApiError).code).toBe(400);
    }
  });

  it('converts a LabelSelector and prints it sorted by key like labels.Selector.String()', () => {
    // Prepare
    const reqs = selectorRequirements({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });

    // Act / Assess
    expect(matchesRequirements(reqs, web)).toBe(true);
    expect(matchesRequirements(reqs, { ...web, canary: 'yes' })).toBe(false);
    expect(formatRequirements(reqs)).toBe('app=web,!canary,tier in (edge,front)');
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'web-1', namespace: 'demo' }, status: { phase: 'Running' } };

  it('matches metadata.name and supported fields, with = and !=', () => {
    // Act / Assess
    expect(matchesFields(parseFieldSelector('metadata.name=web-1', ['metadata.name']), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name=web-2', ['metadata.name']), pod)).toBe(false);
    expect(
      matchesFields(
        parseFieldSelector('status.phase!=Failed,metadata.namespace==demo', [
          'status.phase',
          'metadata.namespace',
        ]),
        pod,
      ),
    ).toBe(true);
  });

  it('rejects unsupported fields with 400 like the apiserver', () => {
    // Act / Assess
    expect(() => parseFieldSelector('spec.foo=bar', ['metadata.name'])).toThrow(
      /field label not supported: spec.foo/,
    );
  });
});
