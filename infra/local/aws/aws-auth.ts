// How the local AWS endpoints authenticate a call, on top of plain SigV4: expired temporary credentials get
// ExpiredToken, and STS judges a presigned URL by its X-Amz-Date alone (valid 15 minutes after signing,
// whatever X-Amz-Expires says; aws-iam-authenticator relies on this, its tokens carry X-Amz-Expires=60).
import type { CallerIdentity, IdentityLookup } from './credential-store.js';
import { type SignedRequest, type SigV4FailureReason, verifySigV4 } from './sigv4.js';
import { parseAmzDate, toAmzDate } from './sigv4-canonical.js';
import { header } from './sigv4-request.js';

/** How long STS honours a presigned request after its X-Amz-Date. */
export const STS_PRESIGNED_LIFETIME_MS = 15 * 60_000;

/** What the caller authenticated as. */
export interface AwsAuthSuccess {
  ok: true;
  accessKeyId: string;
  presigned: boolean;
  /** From the lookup; undefined when the lookup does not know whose key it is. */
  identity: CallerIdentity | undefined;
}

/** A refusal, with the code, message and status a real AWS endpoint answers. */
export interface AwsAuthFailure {
  ok: false;
  reason: SigV4FailureReason | 'expired-token';
  code: string;
  message: string;
  status: number;
}

/** Options of {@link authenticateAwsRequest}. */
export interface AwsAuthOptions {
  /** Signing name: "sts" or "eks". */
  service: string;
  region: string;
  lookup: IdentityLookup;
  now?: Date;
}

/**
 * Authenticates a call the way an AWS endpoint does: expired temporary credentials first (ExpiredToken), then
 * the SigV4 signature. Presigned STS requests get STS's fixed 15-minute window instead of X-Amz-Expires.
 */
export function authenticateAwsRequest(
  request: SignedRequest,
  options: AwsAuthOptions,
): AwsAuthSuccess | AwsAuthFailure {
  const now = options.now ?? new Date();
  const accessKeyId = accessKeyIdOf(request);
  const known = accessKeyId === undefined ? undefined : options.lookup(accessKeyId);
  if (known?.expiration !== undefined && now.getTime() >= known.expiration.getTime()) {
    return {
      ok: false,
      reason: 'expired-token',
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      status: 403,
    };
  }
  let judgedAt = now;
  const presignedDate = isPresigned(request) ? queryValue(request.url, 'X-Amz-Date') : undefined;
  const signedAt = presignedDate === undefined ? undefined : parseAmzDate(presignedDate);
  if (options.service === 'sts' && signedAt !== undefined) {
    const age = now.getTime() - signedAt.getTime();
    if (age > STS_PRESIGNED_LIFETIME_MS) {
      const stamp = (ms: number) => toAmzDate(new Date(ms));
      return {
        ok: false,
        reason: 'expired',
        code: 'SignatureDoesNotMatch',
        message: `Signature expired: ${presignedDate} is now earlier than ${stamp(now.getTime() - STS_PRESIGNED_LIFETIME_MS)} (${stamp(now.getTime())} - 15 min.)`,
        status: 403,
      };
    }
    // verifySigV4 would apply X-Amz-Expires, which STS ignores: the age is checked above, so judge the
    // signature as of its signing time. A date too far ahead keeps the real clock and fails as not yet valid.
    if (age >= 0) judgedAt = signedAt;
  }
  const verdict = verifySigV4(request, {
    service: options.service,
    region: options.region,
    lookup: options.lookup,
    now: judgedAt,
  });
  if (!verdict.ok) return verdict;
  return {
    ok: true,
    accessKeyId: verdict.accessKeyId,
    presigned: verdict.presigned,
    identity: known?.identity,
  };
}

/** The access key id a request claims (Authorization header or X-Amz-Credential), if it names one. */
export function accessKeyIdOf(request: SignedRequest): string | undefined {
  const authorization = header(request.headers, 'authorization');
  const credential =
    authorization === undefined
      ? queryValue(request.url, 'X-Amz-Credential')
      : /Credential=([^,\s]+)/.exec(authorization)?.[1];
  const id = credential?.split('/')[0];
  return id === '' ? undefined : id;
}

/** Whether a request is signed in its query (a presigned URL) rather than in an Authorization header. */
export function isPresigned(request: SignedRequest): boolean {
  return (
    header(request.headers, 'authorization') === undefined &&
    queryValue(request.url, 'X-Amz-Algorithm') !== undefined
  );
}

function queryValue(url: string, name: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  try {
    return new URLSearchParams(url.slice(at + 1).replace(/\+/g, '%2B')).get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
