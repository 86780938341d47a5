import { describe, expect, it } from 'vitest';
import { createEksToken, type EksTokenInput, TOKEN_TTL_SECONDS } from '#adapters/eks/token.js';
import { REFRESH_MARGIN_SECONDS, TokenCache } from '#adapters/eks/token-cache.js';

const START = new Date('2026-11-25T12:00:00Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REQUEST = { clusterName: 'sandbox', region: 'us-east-1', credentials: KEYS };

/** A clock the test moves, and a signer that counts its calls (and signs for real). */
function setup(options: { refreshMarginSeconds?: number } = {}) {
  let now = START;
  const signed: EksTokenInput[] = [];
  const cache = new TokenCache({
    now: () => now,
    sign: (input) => {
      signed.push(input);
      return createEksToken(input);
    },
    ...options,
  });
  return {
    cache,
    signed,
    advance: (seconds: number) => {
      now = new Date(START.getTime() + seconds * 1000);
    },
  };
}

describe('TokenCache', () => {
  it('reuses a token until the refresh margin before its 14-minute expiry (10 minutes by default)', () => {
    // Prepare
    const { cache, signed, advance } = setup();
    const reuseSeconds = TOKEN_TTL_SECONDS - REFRESH_MARGIN_SECONDS;

    // Act
    const first = cache.get(REQUEST);
    advance(reuseSeconds - 1);
    const stillCached = cache.get(REQUEST);
    advance(reuseSeconds);
    const refreshed = cache.get(REQUEST);

    // Assess
    expect(reuseSeconds).toBe(10 * 60);
    expect(stillCached).toBe(first);
    expect(refreshed.token).not.toBe(first.token);
    expect(refreshed.expiresAt.toISOString()).toBe('2026-11-25T12:24:00.000Z');
    expect(signed.map((s) => s.now.toISOString())).toEqual([
      '2026-11-25T12:00:00.000Z',
      '2026-11-25T12:10:00.000Z',
    ]);
  });

  it('keeps separate tokens per cluster, region and access key', () => {
    // Prepare
    const { cache, signed } = setup();

    // Act
    const tokens = [
      cache.get(REQUEST),
      cache.get({ ...REQUEST, clusterName: 'other' }),
      cache.get({ ...REQUEST, region: 'eu-west-1' }),
      cache.get({ ...REQUEST, credentials: { ...KEYS, accessKeyId: 'ASIANEWSESSION' } }),
      cache.get(REQUEST),
    ];

    // Assess
    expect(signed).toHaveLength(4);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(4);
    expect(tokens[4]).toBe(tokens[0]);
    expect(cache.size).toBe(4);
  });

  it('refreshes earlier when the signing credentials expire before the token', () => {
    // Prepare
    const { cache, signed, advance } = setup();
    const expiration = new Date(START.getTime() + 6 * 60 * 1000);
    const request = { ...REQUEST, credentials: { ...KEYS, sessionToken: 'session', expiration } };

    // Act
    cache.get(request);
    advance(6 * 60 - REFRESH_MARGIN_SECONDS - 1);
    cache.get(request);
    advance(6 * 60 - REFRESH_MARGIN_SECONDS);
    cache.get(request);

    // Assess
    expect(signed).toHaveLength(2);
  });

  it('does not cache a token whose credentials are already inside the margin', () => {
    // Prepare
    const { cache, signed } = setup();
    const expiration = new Date(START.getTime() + 60 * 1000);
    const request = { ...REQUEST, credentials: { ...KEYS, expiration } };

    // Act
    cache.get(request);
    cache.get(request);

    // Assess
    expect(signed).toHaveLength(2);
    expect(cache.size).toBe(0);
  });

  it('forgets stale entries, so rotated access keys do not pile up in a warm container', () => {
    // Prepare
    const { cache, advance } = setup({ refreshMarginSeconds: 60 });
    cache.get({ ...REQUEST, credentials: { ...KEYS, accessKeyId: 'ASIAOLD' } });

    // Act
    advance(13 * 60);
    cache.get({ ...REQUEST, credentials: { ...KEYS, accessKeyId: 'ASIANEW' } });

    // Assess
    expect(cache.size).toBe(1);
  });
});
