import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/aws/local-account.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { type E2e, startE2e } from '../support/e2e.js';
import { notification } from '../support/remedy.js';
import { publish } from '../support/sns-publish.js';

/**
 * A poison event (here: the state table is gone, so every attempt fails) is retried as Lambda's async queue
 * would (serverless.yml: maximumRetryAttempts 2), then handed to the on-failure destination with the error;
 * the publisher still got its 200, and nothing acted.
 */
describe('on-failure destination', () => {
  let e2e: E2e;
  let stack: LocalStack;
  beforeAll(async () => {
    e2e = await startE2e({ retryDelaysMs: [50, 50] });
    ({ stack } = e2e);
  });
  afterAll(async () => e2e?.stop());

  it('retries twice, then records the event and the error', async () => {
    const ddb = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { ...LOCAL_CREDENTIALS },
    });
    await ddb.send(new DeleteTableCommand({ TableName: stack.tables.state }));
    ddb.destroy();
    const pod = String(stack.sandbox?.store.list('pods', 'demo')[0]?.metadata.name);
    const res = await publish(stack.sns.url, {
      topicArn: stack.topicArn,
      message: JSON.stringify(notification([{ labels: { namespace: 'demo', pod }, fingerprint: 'dead01' }])),
      attributes: { severity: 'warning' },
    });
    expect(res.status).toBe(200);
    await stack.sns.idle();
    expect(stack.deadLetters).toHaveLength(1);
    const [record] = stack.deadLetters;
    expect(record?.requestContext).toMatchObject({
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    expect(record?.responsePayload.errorMessage).toMatch(/non-existent table|ResourceNotFound|not found/i);
    expect(stack.sandbox?.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });
});
