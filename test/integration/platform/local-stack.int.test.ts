import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { readPlatform } from '#adapters/dynamodb/platform-store.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { type LocalStack, startLocalStack } from '../../../infra/local/stack.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';

const EXAMPLE = fileURLToPath(new URL('../../../infra/platform/platform.yaml', import.meta.url));

describe('npm start loads the example platform layer with the example policies', () => {
  let stack: LocalStack;
  let client: DocumentClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      stateDir: mkdtempSync(join(tmpdir(), 'remedy-platform-')),
      ports: { sns: 0, kube: 0, aws: 0 },
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableSuffix: randomUUID().slice(0, 8),
      log: () => {},
    });
    client = localDocumentClient(stack.dynamodbEndpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await stack?.close();
  });

  it('stores infra/platform/platform.yaml as written, and serves the policies under it', async () => {
    // Prepare
    const doc = client;
    const store = new DynamoPolicyStore(
      doc,
      stack.tables.policies,
      { logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now },
      0,
    );

    // Act
    const layer = await readPlatform(doc, stack.tables.policies);
    const [policy] = await store.forAlertname('KubePodCrashLooping');

    // Assess
    expect(layer).toMatchObject({ state: 'valid', document: parse(readFileSync(EXAMPLE, 'utf8')) });
    expect(policy?.guard.namespaces.deny).toEqual([
      'monitoring',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'cert-manager',
    ]);
  });
});
