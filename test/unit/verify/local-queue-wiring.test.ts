import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { failedIds } from '../../../infra/local/queue/sqs-endpoint.js';
import { readSqsWiring, sqsWiringFromYaml } from '../../../infra/local/serverless-wiring.js';

const SERVERLESS_YML = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));

describe('readSqsWiring', () => {
  it('reads the followup function and its queue (redrive included) from the real serverless.yml', async () => {
    const [followup] = await readSqsWiring(SERVERLESS_YML);
    expect(followup).toMatchObject({
      functionName: 'followup',
      lambdaName: 'remedy-local-followup',
      handler: { file: 'functions/followup', export: 'handler' },
      queue: 'FollowupQueue',
      batchSize: 10,
      reportBatchItemFailures: true,
      maxReceiveCount: 5,
    });
  });

  it('refuses a queue it cannot name', () => {
    const yaml = `service: s\nfunctions:\n  f:\n    handler: a.b\n    events:\n      - sqs: arn:aws:sqs:us-east-1:1:q\n`;
    expect(() => sqsWiringFromYaml(yaml)).toThrow(/!GetAtt <Queue>.Arn/);
  });
});

describe('ReportBatchItemFailures, as Lambda reads it', () => {
  const batch = [{ messageId: 'a' }, { messageId: 'b' }];
  it.each([
    [undefined, []],
    [null, []],
    [{}, []],
    [{ batchItemFailures: [] }, []],
    [{ batchItemFailures: [{ itemIdentifier: 'b' }] }, ['b']],
    [{ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ['a', 'b']],
    [{ batchItemFailures: [{ itemIdentifier: '' }] }, ['a', 'b']],
    [{ batchItemFailures: 'b' }, ['a', 'b']],
    ['ok', ['a', 'b']],
  ])('%j → retry %j', (response, retried) => {
    expect([...failedIds(response, batch)].sort()).toEqual(retried);
  });
});
