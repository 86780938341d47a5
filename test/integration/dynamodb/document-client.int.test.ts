import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConditionalCheckFailedException,
  DocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteCommand,
  UpdateCommand,
} from '#adapters/dynamodb/client/document-client.js';
import { localDocumentClient } from '../../../infra/local/dynamodb-local.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { startThrottling } from '../../support/dynamodb-faults.js';
import { startDynamoDbProxy } from '../../support/dynamodb-proxy.js';
import { KEYS, NodeSha256 } from '../../support/sigv4-reference.js';

// remedy's own DynamoDB client against DynamoDB Local: every operation remedy uses, the SDK document client's
// conversions, DynamoDB's errors as typed exceptions, retries on the wire, and SigV4 as the SDK signs it.
describe('DocumentClient on DynamoDB Local', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await createTestTables();
  });
  afterAll(async () => t.drop());

  it('stores and reads back every kind of value, leaving undefined fields out', async () => {
    // Prepare
    const item = {
      pk: 'T#types',
      sk: 'ONE',
      text: 'héllo "quoted"',
      empty: '',
      int: 42,
      float: -1.5,
      yes: true,
      nothing: null,
      list: ['a', 1, { nested: [true] }, undefined],
      map: { deep: { er: 'x' }, skipped: undefined },
      tags: new Set(['b', 'a']),
      counts: new Set([1, 2]),
      bytes: new Uint8Array([0, 255, 7]),
      missing: undefined,
    };

    // Act
    await t.doc.send(new PutCommand({ TableName: t.stateTable, Item: item }));
    const { Item } = await t.doc.send(
      new GetCommand({ TableName: t.stateTable, Key: { pk: 'T#types', sk: 'ONE' }, ConsistentRead: true }),
    );

    // Assess
    expect(Item).toEqual({
      pk: 'T#types',
      sk: 'ONE',
      text: 'héllo "quoted"',
      empty: '',
      int: 42,
      float: -1.5,
      yes: true,
      nothing: null,
      list: ['a', 1, { nested: [true] }],
      map: { deep: { er: 'x' } },
      tags: new Set(['a', 'b']),
      counts: new Set([1, 2]),
      bytes: new Uint8Array([0, 255, 7]),
    });
    expect(Item && 'missing' in Item).toBe(false);
  });

  it('refuses a value DynamoDB cannot store, naming where it is, before sending anything', async () => {
    await expect(
      t.doc.send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#bad', sk: 'x', n: Number.NaN } })),
    ).rejects.toThrow(/Item\.n: NaN/);
    await expect(
      t.doc.send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#bad', sk: 'x', s: new Set() } })),
    ).rejects.toThrow(/Item\.s: DynamoDB cannot store an empty set/);
  });

  it('updates with ReturnValues and raises ConditionalCheckFailedException with the old item', async () => {
    const Key = { pk: 'T#counter', sk: 'C' };
    const first = await t.doc.send(
      new UpdateCommand({
        TableName: t.stateTable,
        Key,
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(first.Attributes).toEqual({ ...Key, n: 1 });

    const refused = t.doc.send(
      new UpdateCommand({
        TableName: t.stateTable,
        Key,
        UpdateExpression: 'ADD n :one',
        ConditionExpression: 'n > :ten',
        ExpressionAttributeValues: { ':one': 1, ':ten': 10 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).name).toBe('ConditionalCheckFailedException');
    expect((error as ConditionalCheckFailedException).Item?.n).toEqual({ N: '1' });
  });

  it('names DynamoDB errors by their code (a missing table)', async () => {
    const error = await t.doc
      .send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } }))
      .then(
        () => new Error('no error'),
        (e: unknown) => e as Error,
      );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toMatch(/non-existent table|not found/i);
  });

  it('reports a cancelled transaction item by item, with the refusing item in wire form', async () => {
    await t.doc.send(
      new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#tx', sk: 'HELD', by: 'other' } }),
    );
    const error = await t.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: t.stateTable, Item: { pk: 'T#tx', sk: 'NEW' } } },
            {
              Put: {
                TableName: t.stateTable,
                Item: { pk: 'T#tx', sk: 'HELD', by: 'me' },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1]?.Item?.by).toEqual({ S: 'other' });
    // Nothing of a cancelled transaction was written.
    const { Item } = await t.doc.send(
      new GetCommand({ TableName: t.stateTable, Key: { pk: 'T#tx', sk: 'NEW' }, ConsistentRead: true }),
    );
    expect(Item).toBeUndefined();
  });

  it('queries newest first and pages through Query and Scan', async () => {
    for (let i = 0; i < 7; i++)
      await t.doc.send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#page', sk: `s${i}`, i } }));
    const newest = await t.doc.send(
      new QueryCommand({
        TableName: t.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#page' },
        ScanIndexForward: false,
        Limit: 2,
      }),
    );
    expect(newest.Items?.map((x) => x.i)).toEqual([6, 5]);
    expect(newest.LastEvaluatedKey).toEqual({ pk: 'T#page', sk: 's5' });

    const pages: number[][] = [];
    for await (const page of paginateQuery(
      { client: t.doc, pageSize: 3 },
      {
        TableName: t.stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#page' },
      },
    ))
      pages.push((page.Items ?? []).map((x) => Number(x.i)));
    expect(pages.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages[0]).toHaveLength(3);

    let scanned = 0;
    for await (const page of paginateScan(
      { client: t.doc, pageSize: 4 },
      {
        TableName: t.stateTable,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#page' },
      },
    ))
      scanned += page.Items?.length ?? 0;
    expect(scanned).toBe(7);
  });

  it('retries throttling as the SDK does, and gives up after its attempts', async () => {
    const faults = await startThrottling(t.endpoint);
    const doc = localDocumentClient(faults.url, { maxAttempts: 3 });
    try {
      faults.throttle('PutItem', 2);
      await doc.send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#retry', sk: 'ok' } }));
      expect(faults.thrown).toBe(2);

      faults.throttle('PutItem', 3);
      const error = await doc
        .send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#retry', sk: 'no' } }))
        .then(
          () => new Error('no error'),
          (e: unknown) => e as Error,
        );
      expect(error.name).toBe('ProvisionedThroughputExceededException');
      expect(faults.thrown).toBe(5);
    } finally {
      doc.destroy();
      await faults.close();
    }
  });

  it('retries a 5xx but never a refused request', async () => {
    let calls = 0;
    let failNext = 0;
    const proxy = await startDynamoDbProxy(t.endpoint, () => {
      calls++;
      if (failNext <= 0) return undefined;
      failNext--;
      return { status: 500, body: { __type: 'com.amazon.coral.service#InternalFailure', message: 'boom' } };
    });
    const doc = localDocumentClient(proxy.url);
    try {
      failNext = 1;
      await doc.send(new PutCommand({ TableName: t.stateTable, Item: { pk: 'T#5xx', sk: 'ok' } }));
      expect(calls).toBe(2);

      calls = 0;
      await expect(
        doc.send(
          new PutCommand({
            TableName: t.stateTable,
            Item: { pk: 'T#5xx', sk: 'ok' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(calls).toBe(1);
    } finally {
      doc.destroy();
      await proxy.close();
    }
  });
});

describe('DocumentClient on the wire', () => {
  it('signs exactly as the AWS SDK signer does, with the session token, over JSON 1.0', async () => {
    // Prepare: a server that records the request and answers as DynamoDB does.
    let seen: { req: IncomingMessage; body: string } | undefined;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen = { req, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"Item":{"pk":{"S":"a"}}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const now = new Date('2026-12-07T10:20:30Z');
    const credentials = { ...KEYS, sessionToken: 'session-token-example' };
    const doc = new DocumentClient({
      region: 'eu-west-1',
      endpoint,
      credentials: async () => credentials,
      now: () => now,
    });

    try {
      // Act
      const out = await doc.send(new GetCommand({ TableName: 'tbl', Key: { pk: 'a', sk: 'b' } }));

      // Assess
      expect(out.Item).toEqual({ pk: 'a' });
      if (!seen) throw new Error('no request seen');
      const { req, body } = seen;
      expect(req.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
      expect(req.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(JSON.parse(body)).toEqual({ TableName: 'tbl', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
      const reference = await new SignatureV4({
        service: 'dynamodb',
        region: 'eu-west-1',
        credentials,
        sha256: NodeSha256,
        applyChecksum: false,
      }).sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: '/',
          headers: {
            host: String(req.headers.host),
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.GetItem',
          },
          body,
        },
        { signingDate: now },
      );
      expect(req.headers.authorization).toBe(reference.headers.authorization);
      expect(req.headers['x-amz-security-token']).toBe('session-token-example');
    } finally {
      doc.destroy();
      server.close();
    }
  });
});
