// The account, region and credentials of the local stack: what local AWS endpoints accept and local clients sign
// with. Not secrets: they only open servers bound to 127.0.0.1.

/** Account id used in local ARNs (the one AWS documentation uses in its examples). */
export const LOCAL_ACCOUNT_ID = '123456789012';

/** Region of the local stack; serverless.yml's default region. */
export const LOCAL_REGION = 'us-east-1';

/** Static credentials the local endpoints verify SigV4 signatures against (AKIA… shape, 20 characters). */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'AKIAREMEDYLOCAL00001',
  secretAccessKey: 'remedy-local-secret-access-key-not-a-secret',
} as const;

/** A credential pair, optionally temporary (with a session token). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
