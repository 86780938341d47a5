import { describe, expect, it } from 'vitest';
import {
  buildRestartPatch,
  checkRestartable,
  rfc3339Seconds,
} from '#domain/actions/restart/restart-patch.js';

describe('buildRestartPatch', () => {
  it('stamps the restartedAt annotation (golden)', () => {
    expect(JSON.stringify(buildRestartPatch(new Date('2026-01-02T03:04:05.678Z')))).toBe(
      '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-02T03:04:05Z"}}}}}',
    );
  });

  it.each([
    ['2026-01-02T03:04:05.999Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T05:04:05+02:00', '2026-01-02T03:04:05Z'],
    ['2026-12-31T23:59:59.000Z', '2026-12-31T23:59:59Z'],
  ])('writes %s as %s (UTC, whole seconds, not rounded up)', (instant, text) => {
    expect(rfc3339Seconds(new Date(instant))).toBe(text);
  });
});

describe('checkRestartable', () => {
  it.each([
    [{ spec: {} }, { ok: true }],
    [{ spec: { paused: false } }, { ok: true }],
    [
      { spec: { paused: true } },
      { ok: false, reason: "can't restart paused deployment (run rollout resume first)" },
    ],
  ])('%j → %j', (deployment, expected) => {
    expect(checkRestartable(deployment)).toEqual(expected);
  });
});
