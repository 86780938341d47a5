// Server-side EKS token authentication for the sandbox Kubernetes API, as aws-iam-authenticator does it:
// format rules first (eks-token-rules.ts), then the presigned GetCallerIdentity is replayed against STS with
// the header `x-k8s-aws-id: <this cluster>`. Where the real server sends that GET over the network, this one
// hands it to the local STS's own verification in-process.
import { authenticateAwsRequest } from './aws-auth.js';
import type { CallerIdentity, IdentityLookup } from './credential-store.js';
import {
  CLUSTER_ID_HEADER,
  type EksTokenRefusal,
  type EksTokenRefusalReason,
  parseEksToken,
} from './eks-token-rules.js';
import { STS_API_VERSION } from './sts-protocol.js';

export type { EksTokenRefusal, EksTokenRefusalReason } from './eks-token-rules.js';
export { EKS_TOKEN_PREFIX, stsHostsFor } from './eks-token-rules.js';

/** Options of {@link createEksTokenVerifier} and {@link createEksTokenAuthenticator}. */
export interface EksTokenVerifierOptions {
  /** The cluster this API server is: tokens must have signed `x-k8s-aws-id` with this name. */
  clusterName: string;
  /** The cluster's region: the STS hosts accepted are this region's (and the global one). */
  region: string;
  /** Known credentials; `AwsEndpoint.lookup` (base + issued temporary credentials). */
  lookup: IdentityLookup;
  /** A fixed time or a clock; default the system clock, read at each verification. */
  now?: Date | (() => Date);
}

/** An accepted token and who made it (what the authenticator maps to a Kubernetes user). */
export interface EksTokenIdentity {
  ok: true;
  accessKeyId: string;
  /** Undefined when the lookup does not say whose key it is. */
  identity: CallerIdentity | undefined;
}

/** The outcome of verifying a token. */
export type EksTokenVerdict = EksTokenIdentity | EksTokenRefusal;

/** A verifier that tells why a token was refused (for logs and tests). */
export function createEksTokenVerifier(options: EksTokenVerifierOptions): (token: string) => EksTokenVerdict {
  return (token) => {
    const now = typeof options.now === 'function' ? options.now() : (options.now ?? new Date());
    const parsed = parseEksToken(token, options.region, now);
    if (!parsed.ok) return parsed;
    // What the authenticator's GET carries: the URL as presigned plus the cluster id and accept headers.
    const request = {
      method: 'GET',
      url: parsed.pathAndQuery,
      headers: { host: parsed.host, [CLUSTER_ID_HEADER]: options.clusterName, accept: 'application/json' },
    };
    const auth = authenticateAwsRequest(request, {
      service: 'sts',
      region: parsed.signingRegion,
      lookup: options.lookup,
      now,
    });
    if (!auth.ok) {
      return {
        ok: false,
        reason: 'sts-refused' satisfies EksTokenRefusalReason,
        message: `error from AWS (expected 200, got ${auth.status}): ${auth.code}: ${auth.message}`,
        sts: { reason: auth.reason, code: auth.code, message: auth.message },
      };
    }
    // STS answers a GetCallerIdentity only for its own API version.
    const version = parsed.params.get('version');
    if (version !== STS_API_VERSION) {
      const message = `Could not find operation GetCallerIdentity for version ${version ?? 'NO_VERSION_SPECIFIED'}`;
      return {
        ok: false,
        reason: 'sts-refused',
        message: `error from AWS (expected 200, got 400): InvalidAction: ${message}`,
        sts: { reason: 'invalid-action', code: 'InvalidAction', message },
      };
    }
    return { ok: true, accessKeyId: auth.accessKeyId, identity: auth.identity };
  };
}

/**
 * The sandbox's `authenticate` hook: resolves true for a valid EKS token for this cluster.
 * `onRefusal` receives each refusal (for logs).
 */
export function createEksTokenAuthenticator(
  options: EksTokenVerifierOptions & { onRefusal?: (refusal: EksTokenRefusal) => void },
): (token: string) => Promise<boolean> {
  const verify = createEksTokenVerifier(options);
  return async (token) => {
    const verdict = verify(token);
    if (!verdict.ok) options.onRefusal?.(verdict);
    return verdict.ok;
  };
}
