import type { AwsCredentials } from './credentials.js';

/** Assumed credentials are renewed this long before they expire, so a call never starts with stale ones. */
export const ASSUMED_CREDENTIALS_MARGIN_SECONDS = 5 * 60;

/**
 * Assumed-role credentials cached per role until shortly before they expire (one cache per role, reused while
 * the container is warm), so a storm of alerts for a cross-account cluster costs one AssumeRole, not one each.
 */
export class AssumedRoleCache {
  private readonly entries = new Map<string, Promise<AwsCredentials>>();

  constructor(
    private readonly assume: (roleArn: string, base: AwsCredentials) => Promise<AwsCredentials>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(roleArn: string, base: AwsCredentials): Promise<AwsCredentials> {
    const cached = this.entries.get(roleArn);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && !this.expiring(creds)) return creds;
    }
    const fresh = this.assume(roleArn, base);
    this.entries.set(roleArn, fresh);
    // A failed AssumeRole is not cached: the next alert tries again.
    fresh.catch(() => this.entries.delete(roleArn));
    return fresh;
  }

  private expiring(creds: AwsCredentials): boolean {
    if (!creds.expiration) return false;
    return creds.expiration.getTime() - ASSUMED_CREDENTIALS_MARGIN_SECONDS * 1000 <= this.now();
  }
}
