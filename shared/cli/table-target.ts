// Which DynamoDB table the operator commands read and write, and how to reach it: flags first, then the local
// stack's state file (`--local`), then the environment the functions themselves are configured with.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { AwsCredentials, CredentialProvider } from '#adapters/eks/credentials.js';
import { formatIssues } from '#domain/errors.js';
import { type CliIo, envValue, UsageError } from './io.js';

/** Where the AWS SDKs land without any region setting (the same order as `remedy eks token`). */
const DEFAULT_REGION = 'us-east-1';
/** `npm start` writes its endpoints here (infra/local/stack.ts); REMEDY_LOCAL_JSON points elsewhere. */
export const DEFAULT_LOCAL_JSON = fileURLToPath(new URL('../../.remedy/local.json', import.meta.url));

/** A resolved table: everything needed to build a client, and where each part came from for messages. */
export interface TableTarget {
  readonly table: string;
  readonly region: string;
  readonly endpoint?: string;
  /** Only for the local stack; otherwise the SDK's standard chain (or an injected provider) signs. */
  readonly credentials?: AwsCredentials;
}

/** The table-related words of a command line, already parsed. */
export interface TableFlags {
  readonly table?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly local?: boolean | undefined;
}

// Only the fields the CLI needs; the rest of local.json (kubeconfig, SNS topic) belongs to other tools.
const localStateSchema = z.object({
  region: z.string().optional(),
  sns: z.object({ region: z.string(), accessKeyId: z.string(), secretAccessKey: z.string() }),
  dynamodb: z.object({ endpoint: z.url(), policyTable: z.string().min(1) }),
});

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Resolves the policies table; a missing table or a malformed flag is a UsageError (exit 2). */
export async function resolveTableTarget(flags: TableFlags, io: CliIo, usage: string): Promise<TableTarget> {
  const local = flags.local ? await readLocalState(io) : undefined;
  const table = flags.table ?? local?.dynamodb.policyTable ?? envValue(io.env, 'POLICY_TABLE');
  if (table === undefined || table === '') {
    throw new UsageError(
      'no policies table: pass --table-policies NAME, set POLICY_TABLE, or add --local for the local stack',
      usage,
    );
  }
  const endpoint = flags.endpoint ?? local?.dynamodb.endpoint ?? envValue(io.env, 'DYNAMODB_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(
      `the DynamoDB endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`,
      usage,
    );
  }
  const region =
    flags.region ??
    local?.region ??
    local?.sns.region ??
    envValue(io.env, 'AWS_REGION') ??
    envValue(io.env, 'AWS_DEFAULT_REGION') ??
    DEFAULT_REGION;
  if (!REGION.test(region)) throw new UsageError(`invalid AWS region ${JSON.stringify(region)}`, usage);
  return {
    table,
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(local === undefined
      ? {}
      : { credentials: { accessKeyId: local.sns.accessKeyId, secretAccessKey: local.sns.secretAccessKey } }),
  };
}

async function readLocalState(io: CliIo): Promise<z.infer<typeof localStateSchema>> {
  const path = envValue(io.env, 'REMEDY_LOCAL_JSON') ?? DEFAULT_LOCAL_JSON;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`no local stack state at ${path}: start the local stack with \`npm start\` first`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON: restart the local stack (\`npm start\`) to rewrite it`);
  }
  // Never echo the file: it holds (local, but still) credentials.
  const parsed = localStateSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`${path} is not a local stack state file: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** A document client for one command run; `close` frees its sockets so the process can exit. */
export interface DynamoSession {
  readonly doc: DynamoDBDocumentClient;
  close(): void;
}

/** Builds the session; injected in tests. */
export type OpenDynamo = (target: TableTarget, credentials?: CredentialProvider) => Promise<DynamoSession>;

/** The real session, loading the AWS SDK only now so `validate` and `--help` never pay for it. */
export const openDynamo: OpenDynamo = async (target, credentials) => {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  const fixed = target.credentials;
  const client = new DynamoDBClient({
    region: target.region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    // A copy: the SDK annotates the credentials object it is given.
    ...(fixed === undefined ? {} : { credentials: { ...fixed } }),
    ...(fixed === undefined && credentials !== undefined ? { credentials } : {}),
    // An operator waits at the terminal: fail fast on a stopped local stack instead of backing off for long.
    maxAttempts: 2,
  });
  return { doc: DynamoDBDocumentClient.from(client), close: () => client.destroy() };
};

/** Names the table and endpoint in a failure, with a hint for the two mistakes operators make most. */
export function describeTableError(action: string, target: TableTarget, error: unknown): Error {
  const name = (error as { name?: unknown }).name;
  const message = error instanceof Error ? error.message : String(error);
  const where = `table ${target.table} (${target.endpoint ?? `DynamoDB in ${target.region}`})`;
  let hint = '';
  if (name === 'ResourceNotFoundException')
    hint = ': the table does not exist there (check the name and region)';
  else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(message))
    hint = `: cannot connect (${message})${target.endpoint?.includes('127.0.0.1') ? '; is `npm start` running?' : ''}`;
  else hint = `: ${message}`;
  return new Error(`${action} ${where}${hint}`, { cause: error });
}
