// Which DynamoDB table the operator commands read and write, and how to reach it: flags first, then the local
// stack's state file (`--local`), then the environment the functions themselves are configured with.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AwsCredentials } from '#adapters/eks/credentials.js';
import { formatIssues } from '#domain/errors.js';
import { type CliIo, envValue, UsageError } from './io.js';

/** Where the AWS SDKs land without any region setting (the same order as `remedy eks token`). */
const DEFAULT_REGION = 'us-east-1';
/** `npm start` writes its endpoints here (infra/local/stack.ts); REMEDY_LOCAL_JSON points elsewhere. */
export const DEFAULT_LOCAL_JSON = fileURLToPath(new URL('../../.remedy/local.json', import.meta.url));

/** A resolved table: everything needed to build a client for it. */
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
  sns: z.object({
    region: z.string(),
    accessKeyId: z.string(),
    secretAccessKey: z.string(),
    // For `remedy fire --local`: where the local SNS endpoint listens and the topic the functions subscribe to.
    endpoint: z.url().optional(),
    topicArn: z.string().optional(),
  }),
  // The mode the local functions run in, so `policy explain --local` judges as they do.
  mode: z.enum(['dry-run', 'enforce']).optional(),
  dynamodb: z.object({
    endpoint: z.url(),
    policyTable: z.string().min(1),
    stateTable: z.string().min(1).optional(),
  }),
});

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Resolves the policies table (or, for the kill switch and breakers, the state table); a missing table or a
 * malformed flag is a UsageError (exit 2).
 */
export async function resolveTableTarget(
  flags: TableFlags,
  io: CliIo,
  usage: string,
  which: 'policies' | 'state' = 'policies',
): Promise<TableTarget> {
  const local = flags.local ? await readLocalState(io) : undefined;
  const table =
    which === 'policies'
      ? (flags.table ?? local?.dynamodb.policyTable ?? envValue(io.env, 'POLICY_TABLE'))
      : (flags.table ?? local?.dynamodb.stateTable ?? envValue(io.env, 'STATE_TABLE'));
  if (table === undefined || table === '') {
    const [flag, env] =
      which === 'policies' ? ['--table-policies', 'POLICY_TABLE'] : ['--table-state', 'STATE_TABLE'];
    throw new UsageError(
      `no ${which} table: pass ${flag} NAME, set ${env}, or add --local for the local stack`,
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

/** The local stack as `npm start` described it in .remedy/local.json (or REMEDY_LOCAL_JSON). */
export type LocalState = z.infer<typeof localStateSchema>;

export async function readLocalState(io: CliIo): Promise<LocalState> {
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

/** The table flags every table command accepts (`clusters put` renames two; see clusters.ts). */
export const TABLE_OPTIONS = {
  'table-policies': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The table-options part of a usage text. */
export const TABLE_OPTIONS_USAGE = `table options:
  --table-policies NAME   the policies table; default: POLICY_TABLE
  --endpoint URL          DynamoDB endpoint; default: DYNAMODB_ENDPOINT, else AWS's
  --region REGION         default: AWS_REGION, else AWS_DEFAULT_REGION, else ${DEFAULT_REGION}
  --local                 the local stack's endpoint, table, region and credentials (.remedy/local.json,
                          written by \`npm start\`; REMEDY_LOCAL_JSON names another file)
  --output table|json     default: table`;

/** The TABLE_OPTIONS values as TableFlags. */
export const tableFlags = (values: {
  'table-policies'?: string | undefined;
  endpoint?: string | undefined;
  region?: string | undefined;
  local?: boolean | undefined;
}): TableFlags => ({
  table: values['table-policies'],
  endpoint: values.endpoint,
  region: values.region,
  local: values.local,
});
