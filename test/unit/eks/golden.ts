import { getFixture } from '../../support/fixtures.js';

/** test/fixtures/eks/aws-cli-get-token.json: stdout of the real `aws eks get-token` under a frozen clock. */
export interface GoldenCase {
  name: string;
  region: string;
  sessionToken?: string;
  stdout: string;
}

export interface Golden {
  capturedWith: string;
  clock: string;
  clusterName: string;
  accessKeyId: string;
  secretAccessKey: string;
  cases: GoldenCase[];
}

export const golden = getFixture<Golden>('eks', 'aws-cli-get-token');

/** The token field of a captured ExecCredential. */
export const tokenOf = (stdout: string): string =>
  (JSON.parse(stdout) as { status: { token: string } }).status.token;

/** The presigned URL inside a `k8s-aws-v1.` token. */
export const decodeToken = (token: string): URL =>
  new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));

/** The fixture's credentials for one case (with its session token when it has one). */
export const credentialsOf = (c: GoldenCase) => ({
  accessKeyId: golden.accessKeyId,
  secretAccessKey: golden.secretAccessKey,
  ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
});

/** The case for a region; fails loudly if the fixture lost it. */
export const caseFor = (region: string): GoldenCase => {
  const found = golden.cases.find((c) => c.region === region);
  if (!found) throw new Error(`fixture has no case for ${region}`);
  return found;
};
