// Verifies AWS SigV4 the way an AWS endpoint does, for (a) header-signed API calls (Authorization header) and
// (b) presigned URLs (X-Amz-* query parameters, e.g. the STS GetCallerIdentity URL inside an EKS token).
import { timingSafeEqual } from 'node:crypto';
import {
  canonicalRequest,
  credentialScope,
  parseAmzDate,
  signatureHex,
  signingKey,
  stringToSign,
  toAmzDate,
} from './sigv4-canonical.js';
import {
  extractParts,
  fail,
  type SignatureParts,
  type SignedRequest,
  type SigV4Failure,
} from './sigv4-request.js';

export type { SignedRequest, SigV4Failure, SigV4FailureReason } from './sigv4-request.js';
export { MAX_PRESIGN_EXPIRES_SECONDS } from './sigv4-request.js';

/** AWS refuses a request dated more than 15 minutes away from its own clock ("Signature expired"). */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** The secret (and session token, for temporary credentials) behind an access key id, or undefined. */
export type CredentialLookup = (
  accessKeyId: string,
) => { secretAccessKey: string; sessionToken?: string } | undefined;

/** What the endpoint accepts. */
export interface SigV4VerifyOptions {
  /** Signing name of the service, e.g. "sns" or "sts". */
  service: string;
  /** The endpoint's region; a request scoped to another region is refused. Omit to accept any region. */
  region?: string;
  lookup: CredentialLookup;
  now?: Date;
}

/** An accepted request and what it was signed with. */
export interface SigV4Success {
  ok: true;
  presigned: boolean;
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signedAt: Date;
  /** Presigned URLs only: X-Amz-Date + X-Amz-Expires. */
  expiresAt?: Date;
}

/** Result of {@link verifySigV4}. */
export type SigV4Result = SigV4Success | SigV4Failure;

/** Verifies a request's SigV4 signature (header-signed or presigned) against known credentials. */
export function verifySigV4(request: SignedRequest, options: SigV4VerifyOptions): SigV4Result {
  const parts = extractParts(request);
  if ('ok' in parts) return parts;

  const scope = parts.credential.split('/');
  const [accessKeyId, date, region, service, terminator] = scope;
  if (scope.length !== 5 || !accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    return fail(
      'malformed',
      'IncompleteSignature',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parts.credential}'`,
    );
  }
  const secret = options.lookup(accessKeyId);
  if (!secret) {
    return fail(
      'unknown-key',
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
  }
  if (secret.sessionToken !== parts.securityToken) {
    return fail(
      'invalid-token',
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
  }
  if (options.region !== undefined && region !== options.region) {
    return fail(
      'wrong-region',
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${region}'.`,
    );
  }
  if (service !== options.service) {
    return fail(
      'wrong-service',
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  const signedAt = parseAmzDate(parts.amzDate);
  if (!signedAt) return fail('malformed', 'IncompleteSignature', `Invalid X-Amz-Date '${parts.amzDate}'.`);
  if (parts.amzDate.slice(0, 8) !== date) {
    return fail(
      'scope-date-mismatch',
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${parts.amzDate.slice(0, 8)}', from '${parts.amzDate}'.`,
    );
  }
  const timing = checkTime(parts, signedAt, options.now ?? new Date());
  if (timing) return timing;

  const key = signingKey(secret.secretAccessKey, date, region, service);
  const [path = '/'] = request.url.split('?', 1);
  const matches = parts.payloadHashes.some((payloadHash) => {
    const canonical = canonicalRequest({
      method: request.method,
      path,
      query: parts.query,
      headers: request.headers,
      signedHeaders: parts.signedHeaders,
      payloadHash,
    });
    const toSign = stringToSign(parts.amzDate, credentialScope(date, region, service), canonical);
    return sameHex(signatureHex(key, toSign), parts.signature);
  });
  if (!matches) {
    return fail(
      'bad-signature',
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  const success: SigV4Success = {
    ok: true,
    presigned: parts.presigned,
    accessKeyId,
    region,
    service,
    signedHeaders: parts.signedHeaders,
    signedAt,
  };
  if (parts.expiresSeconds !== undefined)
    success.expiresAt = new Date(signedAt.getTime() + parts.expiresSeconds * 1000);
  return success;
}

function checkTime(parts: SignatureParts, signedAt: Date, now: Date): SigV4Failure | undefined {
  const signed = signedAt.getTime();
  const current = now.getTime();
  const stamp = (ms: number) => toAmzDate(new Date(ms));
  if (signed - current > MAX_CLOCK_SKEW_MS) {
    return fail(
      'not-yet-valid',
      'SignatureDoesNotMatch',
      `Signature not yet current: ${parts.amzDate} is still later than ${stamp(current + MAX_CLOCK_SKEW_MS)} (${stamp(current)} + 15 min.)`,
    );
  }
  if (parts.expiresSeconds !== undefined) {
    if (current > signed + parts.expiresSeconds * 1000) {
      return fail('expired', 'RequestExpired', 'Request has expired.');
    }
    return undefined;
  }
  if (current - signed > MAX_CLOCK_SKEW_MS) {
    return fail(
      'expired',
      'SignatureDoesNotMatch',
      `Signature expired: ${parts.amzDate} is now earlier than ${stamp(current - MAX_CLOCK_SKEW_MS)} (${stamp(current)} - 15 min.)`,
    );
  }
  return undefined;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
