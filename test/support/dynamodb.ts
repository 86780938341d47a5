import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { LOCAL_CREDENTIALS } from '../../infra/local/aws/local-account.js';
import { localDocumentClient } from '../../infra/local/dynamodb-local.js';
import { createTables } from '../../infra/local/tables.js';

export interface TestTables {
  endpoint: string;
  client: DynamoDBClient;
  doc: DocumentClient;
  policyTable: string;
  stateTable: string;
  drop(): Promise<void>;
}

/** Fresh tables in the shared DynamoDB Local, named for this test file, with the deployed key schema. */
export const createTestTables = async (at?: string): Promise<TestTables> => {
  // Inside Vitest the shared DynamoDB Local comes from the global setup; benchmarks pass their own.
  const endpoint = at ?? (await import('vitest')).inject('dynamodbEndpoint');
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { ...LOCAL_CREDENTIALS } });
  const suffix = randomUUID().slice(0, 8);
  const policyTable = `policies-${suffix}`;
  const stateTable = `state-${suffix}`;
  await createTables(client, { PoliciesTable: policyTable, StateTable: stateTable });
  const doc = localDocumentClient(endpoint);
  return {
    endpoint,
    client,
    doc,
    policyTable,
    stateTable,
    async drop() {
      for (const TableName of [policyTable, stateTable])
        await client.send(new DeleteTableCommand({ TableName }));
      client.destroy();
      doc.destroy();
    },
  };
};
