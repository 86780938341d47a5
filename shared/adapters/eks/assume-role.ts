import type { AwsCredentials } from './credentials.js';

/** Session name recorded in the target account's CloudTrail for every call remedy makes there. */
export const ROLE_SESSION_NAME = 'remedy';

/** STS AssumeRole into `roleArn` with the base credentials; the regional STS endpoint unless `endpoint` is given. */
export const assumeRole = async (
  roleArn: string,
  base: AwsCredentials,
  opts: { region: string; endpoint?: string; sessionName?: string },
): Promise<AwsCredentials> => {
  // Imported here, not at the top: only cross-account clusters need STS, and esbuild hoists a static import of an
  // external package to the top of the bundle even when this module is itself loaded lazily.
  const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
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
