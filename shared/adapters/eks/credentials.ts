/** AWS credentials as remedy passes them around; `expiration` is set for temporary (session) credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  // No `| undefined`: with exactOptionalPropertyTypes this stays assignable to the SDK's and assume-role.ts's shapes.
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Resolves credentials on demand; implementations cache and refresh them before they expire. */
export type CredentialProvider = () => Promise<AwsCredentials>;

/** Exchanges base credentials for a role's (STS AssumeRole); implemented in `assume-role.ts`. */
export type AssumeRole = (
  roleArn: string,
  base: AwsCredentials,
  opts: { region: string; endpoint?: string; sessionName?: string },
) => Promise<AwsCredentials>;

/** The shape the AWS SDK's providers resolve to (structural, so no @smithy/types import is needed). */
interface SdkCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Copies only the fields remedy uses, so an SDK object's extras (accountId, scope) never leak into logs. */
export function fromSdkCredentials(c: SdkCredentials): AwsCredentials {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.expiration ? { expiration: c.expiration } : {}),
  };
}

/**
 * The AWS SDK's standard chain for Lambda and the CLI: environment, SSO, shared config and credentials files,
 * credential_process, web identity, then container and instance metadata. The SDK memoizes it and refreshes
 * temporary credentials shortly before they expire, so call this once per process and reuse the provider.
 * The chain's modules load on the first call, not with this module: a Lambda that has its credentials in the
 * environment (see shared/runtime/credentials.ts) never loads them.
 */
export function defaultCredentialProvider(): CredentialProvider {
  let provider: Promise<() => Promise<SdkCredentials>> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    return fromSdkCredentials(await (await provider)());
  };
}
