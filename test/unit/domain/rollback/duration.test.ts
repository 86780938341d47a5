import { describe, expect, it } from 'vitest';
import {
  durationSchema,
  formatDuration,
  MAX_DURATION_SECONDS,
  parseDuration,
} from '#domain/actions/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800],
    ['1h30m', 5_400],
    ['45s', 45],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1w2d3h4m5s', 788_645],
    ['0', 0],
    ['0s', 0],
    ['90m', 5_400],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    ['', 'invalid duration "": empty; write e.g. 30m, 1h30m or 2d'],
    ['30', 'invalid duration "30": "30" has no unit (use w, d, h, m or s)'],
    ['1h30', 'invalid duration "1h30": "30" has no unit (use w, d, h, m or s)'],
    ['30m1h', 'invalid duration "30m1h": unit "h" must come before "m"'],
    ['1m1m', 'invalid duration "1m1m": unit "m" appears twice'],
    ['1.5h', 'invalid duration "1.5h": fractions are not allowed (write 90m, not 1.5h)'],
    ['500ms', 'invalid duration "500ms": unknown unit "ms" (use w, d, h, m or s)'],
    ['1H', 'invalid duration "1H": unknown unit "H" (use w, d, h, m or s)'],
    ['1h 30m', 'invalid duration "1h 30m": unknown unit "h " (use w, d, h, m or s)'],
    ['h', 'invalid duration "h": "h" has no number before it'],
    ['-5m', 'invalid duration "-5m": a duration cannot be negative'],
    ['3661d', 'invalid duration "3661d": longer than the maximum 3660d'],
  ])('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(new Error(message));
  });

  it('accepts exactly the maximum', () => {
    expect(parseDuration('3660d')).toBe(MAX_DURATION_SECONDS);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [1_800, '30m'],
    [7_800, '2h10m'],
    [90_061, '1d1h1m1s'],
    [1_209_600, '14d'],
    [59.9, '59s'],
    [-3, '0s'],
  ])('writes %d seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([1, 59, 60, 3_599, 86_401, 788_645])('round-trips %i through parseDuration', (seconds) => {
    expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });
});

describe('durationSchema', () => {
  it('parses to seconds', () => {
    expect(durationSchema.parse('1h30m')).toBe(5_400);
  });

  it("reports the parser's message as the issue", () => {
    const result = durationSchema.safeParse('30 minutes');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'invalid duration "30 minutes": unknown unit " minutes" (use w, d, h, m or s)',
    ]);
  });

  it('rejects a number', () => {
    expect(durationSchema.safeParse(1_800).success).toBe(false);
  });
});
