import { describe, expect, it } from 'vitest';
import { imagesOf, type JsonValue, templateOfRevisionData } from '#domain/actions/rollback/objects.js';

describe('templateOfRevisionData', () => {
  it('reads the template a ControllerRevision restores', () => {
    const data = {
      spec: {
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
          $patch: 'replace',
        },
      },
    };
    expect(imagesOf(templateOfRevisionData(data))).toEqual(['postgres:16']);
  });

  it.each<[string, JsonValue | undefined]>([
    ['no data', undefined],
    ['null', null],
    ['an array', []],
    ['no spec', { kind: 'x' }],
    ['a template that is not an object', { spec: { template: 'x' } }],
  ])('gives an empty template for %s', (_case, data) => {
    expect(templateOfRevisionData(data)).toEqual({});
  });
});
