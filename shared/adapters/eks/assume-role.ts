import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** Credentials as remedy passes them around (the Lambda role's, or an assumed role's). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Session name recorded in the target account's CloudTrail for every call remedy makes there. */
export const ROLE_SESSION_NAME = 'remedy';
/** Assumed credentials are renewed this long before they expire, so a call never starts with stale ones. */
export const ASSUMED_CREDENTIALS_MARGIN_SECONDS = 5 * 60;

/** STS AssumeRole into `roleArn` with the base credentials; the regional STS endpoint unless `endpoint` is given. */
export const assumeRole = async (
  roleArn: string,
  base: AwsCredentials,
  opts: { region: string; endpoint?: string; sessionName?: string },
): Promise<AwsCredentials> => {
  const sts = new STSClient({
    region: opts.region,
    credentials: { ...base },
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    maxAttempts: 2,
  });
  try {
    const res = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: opts.sessionName ?? ROLE_SESSION_NAME }),
    );
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  } finally {
    sts.destroy();
  }
};

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
