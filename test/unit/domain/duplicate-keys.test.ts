import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '#domain/alert/duplicate-keys.js';

// The scanner runs on every message before JSON.parse's last-one-wins could hide a second "status".
describe('findDuplicateKey', () => {
  it('names the path of a repeated key, in objects inside arrays', () => {
    const text =
      '{"alerts":[{"status":"firing"},{"labels":{"a":"1"},"status":"resolved","status":"firing"}]}';
    expect(findDuplicateKey(text)).toBe('alerts[1].status');
  });

  it('names the repeated key where it repeats, not the key seen just before it', () => {
    expect(
      findDuplicateKey('{"alerts":[{"status":"resolved","labels":{"pod":"a"},"status":"firing"}]}'),
    ).toBe('alerts[0].status');
  });

  it('compares keys decoded: an escaped spelling of the same key is a duplicate', () => {
    expect(findDuplicateKey('{"status":"resolved","st\\u0061tus":"firing"}')).toBe('status');
  });

  it('finds a duplicate with whitespace before the colon', () => {
    expect(findDuplicateKey('{ "a" : 1 ,\n\t"a"\r\n: 2 }')).toBe('a');
  });

  it('is not fooled by values that look like keys, escaped quotes, or the same key in sibling objects', () => {
    const text = JSON.stringify({
      a: 'x": "a',
      b: ['a', 'a', { a: 1 }, { a: 2 }],
      c: { a: 'he said \\"a\\": 1' },
      'q"uote': 1,
    });
    expect(findDuplicateKey(text)).toBeUndefined();
  });

  it('keeps keys apart that differ only after an escape', () => {
    expect(findDuplicateKey('{"a\\n":1,"a\\t":2,"a":3}')).toBeUndefined();
  });
});
