// The credentials a local AWS endpoint knows: the stack's base key pair (an IAM user) and the temporary
// credentials its STS AssumeRole handed out, each with the identity GetCallerIdentity reports for it.
import { createHash, randomBytes } from 'node:crypto';
import type { AwsCredentials } from './local-account.js';

/** What STS GetCallerIdentity answers for a key. */
export interface CallerIdentity {
  /** IAM user id (`AIDA…`) or, for an assumed role, `<role id>:<session name>` (`AROA…:session`). */
  userId: string;
  account: string;
  /** `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  arn: string;
}

/**
 * A known access key: its secret, its session token when temporary, when it expires, and whose it is.
 * A superset of sigv4.ts's CredentialLookup result, so a lookup returning it can be given to `verifySigV4`
 * too; unlike STS-aware code, `verifySigV4` does not look at `expiration`.
 */
export interface KnownCredentials {
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  identity?: CallerIdentity;
}

/** Finds a key, expired temporary keys included (so the caller can answer ExpiredToken, as AWS does). */
export type IdentityLookup = (accessKeyId: string) => KnownCredentials | undefined;

/** A role AssumeRole may hand out credentials for. */
export interface AssumableRole {
  /** `arn:aws:iam::<acct>:role[/path]/<name>`. */
  arn: string;
  /** Default: the account in the ARN. */
  accountId?: string;
  /** IAM's MaxSessionDuration; default 3600 s, as IAM creates roles with. */
  maxSessionDurationSeconds?: number;
}

/** Temporary credentials issued by AssumeRole, and to whom. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
  roleSessionName: string;
  identity: CallerIdentity;
  /** `AROA…:<session>`, AssumeRole's `AssumedRoleUser.AssumedRoleId`. */
  assumedRoleId: string;
}

/** Name of the IAM user behind the base credentials, as it appears in ARNs and AccessDenied messages. */
export const LOCAL_USER_NAME = 'local';
/** IAM's default MaxSessionDuration for a role. */
export const DEFAULT_MAX_SESSION_SECONDS = 3600;

// IAM unique ids are a 4-letter type prefix and 17 upper-case alphanumerics (21 characters); access key ids
// are a prefix and 16 (20 characters). AIDA = user, AROA = role, ASIA = temporary access key.
const UNIQUE_ID_BODY_LENGTH = 17;
const ACCESS_KEY_BODY_LENGTH = 16;
// A real session token is several hundred base64 characters with "+", "/" and "="; so is ours, which keeps
// clients' URL-encoding of X-Amz-Security-Token honest.
const SESSION_TOKEN_BYTES = 300;
const SECRET_BYTES = 30;

/** The base credentials plus every AssumeRole result, keyed by access key id. */
export class CredentialStore {
  readonly #base: AwsCredentials;
  readonly #baseIdentity: CallerIdentity;
  readonly #issued = new Map<string, IssuedCredentials>();

  constructor(base: AwsCredentials, accountId: string) {
    this.#base = base;
    this.#baseIdentity = {
      userId: `AIDA${idBody(`user:${accountId}:${LOCAL_USER_NAME}`, UNIQUE_ID_BODY_LENGTH)}`,
      account: accountId,
      arn: `arn:aws:iam::${accountId}:user/${LOCAL_USER_NAME}`,
    };
  }

  /** Every credential set AssumeRole issued, oldest first. */
  get issued(): IssuedCredentials[] {
    return [...this.#issued.values()];
  }

  /** Looks a key up; expired temporary keys are returned with their `expiration`, never dropped. */
  readonly lookup: IdentityLookup = (accessKeyId) => {
    if (accessKeyId === this.#base.accessKeyId) {
      const known: KnownCredentials = {
        secretAccessKey: this.#base.secretAccessKey,
        identity: this.#baseIdentity,
      };
      if (this.#base.sessionToken !== undefined) known.sessionToken = this.#base.sessionToken;
      return known;
    }
    const issued = this.#issued.get(accessKeyId);
    if (!issued) return undefined;
    return {
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: issued.expiration,
      identity: issued.identity,
    };
  };

  /** Issues fresh temporary credentials for a role session that end `durationSeconds` after `now`. */
  issue(role: AssumableRole, roleSessionName: string, durationSeconds: number, now: Date): IssuedCredentials {
    const account = role.accountId ?? accountOf(role.arn);
    const roleName = role.arn.slice(role.arn.lastIndexOf('/') + 1);
    const roleId = `AROA${idBody(`role:${role.arn}`, UNIQUE_ID_BODY_LENGTH)}`;
    const accessKeyId = `ASIA${idBody(randomBytes(16).toString('hex'), ACCESS_KEY_BODY_LENGTH)}`;
    const issued: IssuedCredentials = {
      accessKeyId,
      secretAccessKey: randomBytes(SECRET_BYTES).toString('base64'),
      sessionToken: randomBytes(SESSION_TOKEN_BYTES).toString('base64'),
      // STS reports whole seconds.
      expiration: new Date(Math.floor(now.getTime() / 1000) * 1000 + durationSeconds * 1000),
      roleArn: role.arn,
      roleSessionName,
      identity: {
        userId: `${roleId}:${roleSessionName}`,
        account,
        arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${roleSessionName}`,
      },
      assumedRoleId: `${roleId}:${roleSessionName}`,
    };
    this.#issued.set(accessKeyId, issued);
    return issued;
  }
}

/** The account id field of an ARN (`arn:partition:service:region:account:resource`), or "". */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

// Deterministic upper-case alphanumerics from a seed: stable ids for the same user/role across runs.
function idBody(seed: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length];
  return out;
}
