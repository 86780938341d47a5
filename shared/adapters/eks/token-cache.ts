import type { AwsCredentials } from './credentials.js';
import { createEksToken, type EksToken, type EksTokenInput } from './token.js';

/**
 * Tokens are reported valid for 14 minutes; a fresh one is signed 4 minutes before that, so every token handed
 * out has at least 4 minutes left: enough for one remediation (verify, act, re-check) to finish with it.
 */
export const REFRESH_MARGIN_SECONDS = 4 * 60;

/** What to sign a token for; the time comes from the cache's clock. */
export interface TokenRequest {
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly stsHost?: string | undefined;
}

/** Injected time and signer, so tests control both. */
export interface TokenCacheOptions {
  readonly now: () => Date;
  readonly refreshMarginSeconds?: number;
  readonly sign?: (input: EksTokenInput) => EksToken;
}

interface Entry {
  readonly token: EksToken;
  /** When this entry stops being handed out: the token's expiry or the credentials', minus the margin. */
  readonly refreshAt: number;
}

/**
 * Per warm container: reuses a cluster's token until it is within the refresh margin of expiry (or of its
 * credentials' expiry). Keyed by cluster, region, STS host and access key id, so new credentials sign anew.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly marginMs: number;
  private readonly sign: (input: EksTokenInput) => EksToken;

  constructor(private readonly options: TokenCacheOptions) {
    this.marginMs = (options.refreshMarginSeconds ?? REFRESH_MARGIN_SECONDS) * 1000;
    this.sign = options.sign ?? createEksToken;
  }

  /** A token with at least the refresh margin of validity left, signed now if the cached one is too old. */
  get(request: TokenRequest): EksToken {
    const now = this.options.now();
    this.evictStale(now.getTime());
    const key = cacheKey(request);
    const cached = this.entries.get(key);
    if (cached) return cached.token;

    const token = this.sign({
      clusterName: request.clusterName,
      region: request.region,
      credentials: request.credentials,
      now,
      stsHost: request.stsHost,
    });
    // A presigned URL dies with the session that signed it, so expiring credentials shorten the reuse too.
    const credentialsEnd = request.credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    const refreshAt = Math.min(token.expiresAt.getTime(), credentialsEnd) - this.marginMs;
    if (refreshAt > now.getTime()) this.entries.set(key, { token, refreshAt });
    return token;
  }

  /** How many tokens are cached (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  // Access keys rotate (Lambda's about hourly): drop old entries so a long-lived container does not accumulate them.
  private evictStale(nowMs: number): void {
    for (const [key, entry] of this.entries) if (entry.refreshAt <= nowMs) this.entries.delete(key);
  }
}

// NUL cannot occur in any of the parts, so distinct requests never share a key.
const cacheKey = (r: TokenRequest) =>
  [r.clusterName, r.region, r.stsHost ?? '', r.credentials.accessKeyId].join('\u0000');
