import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether the presented bearer token is the expected one, in constant time: both sides are hashed first, so
 * the comparison takes the same time whatever the lengths and however many leading characters match.
 */
export const tokenMatches = (presented: string, expected: string): boolean => {
  if (expected === '') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
};

/** How long a warm container trusts the token it read; a rotation is picked up at the latest after this. */
export const TOKEN_CACHE_MS = 5 * 60_000;
/** A wrong token makes ingest re-read the parameter at most this often, so guessing cannot flood SSM. */
export const TOKEN_REFRESH_MIN_INTERVAL_MS = 30_000;

/**
 * The expected bearer token, read by name (an SSM SecureString) and cached while warm. `refresh()` re-reads it
 * early, for a token that did not match (just rotated?), rate-limited: undefined when it is too soon.
 */
export class IngestToken {
  private cached: { value: string; until: number } | undefined;
  private lastRead = Number.NEGATIVE_INFINITY;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly read: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.until > this.now()) return this.cached.value;
    return this.load();
  }

  async refresh(): Promise<string | undefined> {
    if (this.now() - this.lastRead < TOKEN_REFRESH_MIN_INTERVAL_MS) return undefined;
    return this.load();
  }

  private load(): Promise<string> {
    this.inflight ??= (async () => {
      this.lastRead = this.now();
      const value = await this.read();
      if (value === '') throw new Error('the ingest token parameter is empty');
      this.cached = { value, until: this.now() + TOKEN_CACHE_MS };
      return value;
    })().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }
}
