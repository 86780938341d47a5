import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/aws/local-account.js';
import { createTables } from '../../infra/local/tables.js';

export interface TestTables {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
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
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
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
    },
  };
};
