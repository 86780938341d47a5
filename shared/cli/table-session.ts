// A DynamoDB session per command run, and failures worded for an operator: which table, where, what to check.
import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import type { CredentialProvider } from '#adapters/eks/credentials.js';
import type { CliIo } from './io.js';
import type { TableTarget } from './table-target.js';

/** A document client for one command run; `close` frees its sockets so the process can exit. */
export interface DynamoSession {
  readonly doc: DocumentClient;
  close(): void;
}

/** Builds the session; injected in tests. */
export type OpenDynamo = (target: TableTarget, credentials?: CredentialProvider) => Promise<DynamoSession>;

/** The real session, loading the client only now so `validate` and `--help` never pay for it. */
export const openDynamo: OpenDynamo = async (target, credentials) => {
  const [{ DocumentClient }, { defaultCredentialProvider }] = await Promise.all([
    import('#adapters/dynamodb/client/document-client.js'),
    import('#adapters/eks/credentials.js'),
  ]);
  const fixed = target.credentials;
  const doc = new DocumentClient({
    region: target.region,
    endpoint: target.endpoint,
    credentials: fixed ? async () => fixed : (credentials ?? defaultCredentialProvider()),
    // An operator waits at the terminal: fail fast on a stopped local stack instead of backing off for long.
    maxAttempts: 2,
  });
  return { doc, close: () => doc.destroy() };
};

/** Names the table and endpoint in a failure, with a hint for the mistakes operators make most. */
export function describeTableError(action: string, target: TableTarget, error: unknown): Error {
  const name = (error as { name?: unknown }).name;
  const message = error instanceof Error ? error.message : String(error);
  const where = `table ${target.table} (${target.endpoint ?? `DynamoDB in ${target.region}`})`;
  let hint = '';
  if (name === 'ResourceNotFoundException')
    hint = ': the table does not exist there (check the name and region)';
  else if (name === 'CredentialsProviderError')
    hint = ': no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID…, or add --local for the local stack)';
  else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(message))
    hint = `: cannot connect (${message})${target.endpoint?.includes('127.0.0.1') ? '; is `npm start` running?' : ''}`;
  else hint = `: ${message}`;
  return new Error(`${action} ${where}${hint}`, { cause: error });
}

/** A `.catch` handler: rethrows as describeTableError (`could not <action> table …`). */
export const failed =
  (action: string, target: TableTarget) =>
  (error: unknown): never => {
    throw describeTableError(`could not ${action}`, target, error);
  };

/** What the table commands need from outside; the defaults reach AWS (or the local stack) for real. */
export interface TableDeps {
  readonly open?: OpenDynamo;
  /** Signs requests when not `--local`; default: the SDK's standard credential chain. */
  readonly credentials?: CredentialProvider;
}

/** Opens a session for `fn` and always closes it, whatever `fn` does. */
export async function withTable<T>(
  target: TableTarget,
  deps: TableDeps,
  fn: (doc: DocumentClient) => Promise<T>,
): Promise<T> {
  const session = await (deps.open ?? openDynamo)(target, deps.credentials);
  try {
    return await fn(session.doc);
  } finally {
    session.close();
  }
}

/** The adapters' observability, silenced: the CLI reports on its own terms. */
export const quietObserve = (io: CliIo) => ({
  logger: { info: () => {}, warn: () => {}, error: () => {} },
  metrics: { count: () => {} },
  now: () => io.now().getTime(),
});
