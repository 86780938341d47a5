import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { QueryCommand } from '#adapters/dynamodb/client/document-client.js';
import { localDocumentClient } from '../../infra/local/dynamodb-local.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../infra/local/stack.js';
import { type RunningAlertmanager, startAlertmanager } from './alertmanager.js';

const POLL_MS = 50;
const TIMEOUT_MS = 20_000;

/** Polls `probe` until it returns something other than undefined/false, or fails naming what it waited for. */
export const waitFor = async <T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = TIMEOUT_MS,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
};

export interface E2e {
  stack: LocalStack;
  /** The stack's state folder (also a fine HOME for kubectl's cache). */
  home: string;
  /** Debian's Alertmanager with the shipped config, publishing to the stack (when asked for). */
  am: RunningAlertmanager | undefined;
  /** The audit records under one key (`AUDIT#sandbox/demo/Pod/x`), oldest first. */
  audit(pk: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/**
 * The local stack as `npm start` runs it, on free ports, sharing the test run's DynamoDB Local under its own
 * tables, optionally with a real Alertmanager pointed at it.
 */
export const startE2e = async (
  options: { alertmanager?: boolean } & Pick<LocalStackOptions, 'retryDelaysMs'> = {},
): Promise<E2e> => {
  const home = mkdtempSync(join(tmpdir(), 'remedy-e2e-'));
  const stack = await startLocalStack({
    stateDir: home,
    ports: { sns: 0, kube: 0, aws: 0 },
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableSuffix: randomUUID().slice(0, 8),
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });
  const am = options.alertmanager
    ? await startAlertmanager({ snsUrl: stack.sns.url, topicArn: stack.topicArn }).catch(
        async (error: unknown) => {
          await stack.close();
          throw error;
        },
      )
    : undefined;
  const doc = localDocumentClient(stack.dynamodbEndpoint);
  return {
    stack,
    home,
    am,
    audit: async (pk) =>
      (
        await doc.send(
          new QueryCommand({
            TableName: stack.tables.state,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        )
      ).Items ?? [],
    async stop() {
      doc.destroy();
      await am?.stop();
      await stack.close();
    },
  };
};
