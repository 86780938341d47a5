// Helpers for driving the local AWS endpoint with the real SDK clients.
import type { Credentials } from '@aws-sdk/client-sts';
import { LOCAL_REGION } from '../../../infra/local/aws/local-account.js';

/** A key pair, optionally temporary. */
export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Client configuration reaching the endpoint by `endpoint` alone; one attempt, so refusals are not retried. */
export function clientConfig(endpoint: string, credentials: KeyPair) {
  return { endpoint, region: LOCAL_REGION, credentials, maxAttempts: 1 };
}

/** AssumeRole's `Credentials` as a key pair for a client. */
export function credentialsOf(c: Credentials | undefined): Required<KeyPair> {
  return {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  };
}

/** The SDK error a call fails with: its name (the AWS error code), message and HTTP status. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: number }> {
  try {
    await promise;
  } catch (e) {
    const error = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode ?? 0 };
  }
  throw new Error('expected the call to fail');
}
