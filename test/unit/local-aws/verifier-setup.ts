// Shared set-up of the EKS token verifier tests: a credential store, a verifier for cluster "sandbox" in
// us-east-1, and a token maker signing with the base credentials at SIGNED_AT.
import { CredentialStore } from '../../../infra/local/aws/credential-store.js';
import {
  createEksTokenVerifier,
  type EksTokenRefusal,
  type EksTokenVerdict,
} from '../../../infra/local/aws/eks-token-verifier.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { makeEksToken, type TokenSpec } from './eks-token-fixture.js';

export const REGION = 'us-east-1';
export const CLUSTER = 'sandbox';
export const SIGNED_AT = new Date('2026-11-25T10:00:00Z');
export const MINUTE = 60_000;

/** A verifier judging at `now` (default one minute after SIGNED_AT), its store, and a token maker. */
export function setup(now: Date = new Date(SIGNED_AT.getTime() + MINUTE)) {
  const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
  const verify = createEksTokenVerifier({ clusterName: CLUSTER, region: REGION, lookup: store.lookup, now });
  const token = (spec: Partial<TokenSpec> = {}) =>
    makeEksToken({
      clusterName: CLUSTER,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
      now: SIGNED_AT,
      ...spec,
    });
  return { store, verify, token };
}

/** The refusal, or a thrown error when the token was accepted. */
export function refusal(verdict: EksTokenVerdict): EksTokenRefusal {
  if (verdict.ok) throw new Error('expected the token to be refused');
  return verdict;
}
