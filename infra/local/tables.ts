import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

const TABLES_YML = fileURLToPath(new URL('../resources/tables.yml', import.meta.url));

// CloudFormation short-form tags, read as plain values: only the table Properties matter here.
export const cfnTags = ['!Ref', '!GetAtt', '!Join', '!Sub', '!If', '!Equals', '!Select', '!Split'].flatMap(
  (tag) => [
    { tag, resolve: (value: string) => ({ [tag]: value }) },
    ...(['seq', 'map'] as const).map((collection) => ({
      tag,
      collection,
      resolve: (value: unknown) => ({ [tag]: value }),
    })),
  ],
);

interface TableResource {
  Type: string;
  Properties: Omit<CreateTableCommandInput, 'TableName'> & {
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
    PointInTimeRecoverySpecification?: unknown;
    SSESpecification?: unknown;
    DeletionProtectionEnabled?: unknown;
  };
}

/**
 * Creates the tables exactly as infra/resources/tables.yml (the deployed CloudFormation) defines them, under
 * the given names (logical id → table name), so local runs and tests use the deployed key schema.
 */
export const createTables = async (client: DynamoDBClient, names: Record<string, string>): Promise<void> => {
  const doc = parse(readFileSync(TABLES_YML, 'utf8'), { customTags: cfnTags }) as {
    Resources: Record<string, TableResource>;
  };
  for (const [logicalId, tableName] of Object.entries(names)) {
    const resource = doc.Resources[logicalId];
    if (resource?.Type !== 'AWS::DynamoDB::Table') throw new Error(`tables.yml has no table ${logicalId}`);
    // PITR, SSE and deletion protection are deployment settings (CloudFormation shapes, a serverless param):
    // DynamoDB Local has no use for them, and deletion protection would stop tests dropping their tables.
    const {
      TimeToLiveSpecification,
      PointInTimeRecoverySpecification: _pitr,
      SSESpecification: _sse,
      DeletionProtectionEnabled: _protection,
      ...props
    } = resource.Properties;
    try {
      await client.send(new CreateTableCommand({ ...props, TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (TimeToLiveSpecification) {
      await client
        .send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification }))
        .catch((e: Error) => {
          // Re-enabling TTL on an existing table fails with "TimeToLive is already enabled": fine.
          if (!/already enabled/i.test(e.message)) throw e;
        });
    }
  }
};
