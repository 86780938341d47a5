import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type AsyncInvokeOptions,
  invokeAsync,
  type LambdaHandler,
  type OnFailureRecord,
} from '../../../infra/local/lambda/invoke-async.js';
import { loadHandler } from '../../../infra/local/lambda/load-handler.js';

const EVENT = { Records: [{ Sns: { Message: '{"status":"firing"}' } }] };

function options(handler: LambdaHandler, overrides: Partial<AsyncInvokeOptions> = {}): AsyncInvokeOptions {
  return {
    functionName: 'remedy-local-remediate',
    region: 'us-east-1',
    accountId: '123456789012',
    memorySize: 256,
    timeout: 60,
    maximumRetryAttempts: 2,
    maximumEventAge: 21_600,
    retryDelaysMs: [1, 1],
    handler,
    ...overrides,
  };
}

describe('invokeAsync', () => {
  it('invokes the handler once with the event and a realistic Lambda context', async () => {
    // Prepare
    const seen: Array<{ event: unknown; context: Context; remaining: number }> = [];
    const handler: LambdaHandler = async (event, context) => {
      seen.push({ event, context, remaining: context.getRemainingTimeInMillis() });
      return 'done';
    };
    // Act
    const outcome = await invokeAsync(EVENT, options(handler));
    // Assess
    expect(outcome).toMatchObject({ ok: true, result: 'done', invokeCount: 1 });
    expect(seen).toHaveLength(1);
    const { event, context, remaining } = seen[0] ?? {};
    expect(event).toEqual(EVENT);
    expect(context).toMatchObject({
      functionName: 'remedy-local-remediate',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:remedy-local-remediate',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/remedy-local-remediate',
    });
    expect(context?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(remaining).toBeGreaterThan(59_000);
    expect(remaining).toBeLessThanOrEqual(60_000);
  });

  it('retries a failing handler with the same request id and an untouched copy of the event', async () => {
    const requestIds: string[] = [];
    let calls = 0;
    const handler: LambdaHandler = async (event, context) => {
      requestIds.push(context.awsRequestId);
      calls++;
      const records = (event as typeof EVENT).Records;
      if (records.length !== 1) throw new Error('event changed between attempts');
      records.pop();
      if (calls < 3) throw new Error(`attempt ${calls} fails`);
      return calls;
    };
    const outcome = await invokeAsync(EVENT, options(handler));
    expect(outcome).toMatchObject({ ok: true, result: 3, invokeCount: 3 });
    expect(new Set(requestIds).size).toBe(1);
    expect(EVENT.Records).toHaveLength(1);
  });

  it('hands the on-failure destination record to onFailure after maximumRetryAttempts retries', async () => {
    const failures: OnFailureRecord[] = [];
    let calls = 0;
    const handler: LambdaHandler = async () => {
      calls++;
      throw new TypeError('cannot read x');
    };
    const outcome = await invokeAsync(EVENT, options(handler, { onFailure: (r) => failures.push(r) }));
    expect(calls).toBe(3);
    expect(outcome.ok).toBe(false);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:remedy-local-remediate:$LATEST',
      },
      requestPayload: EVENT,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'cannot read x' },
    });
    expect(failures[0]?.responsePayload.trace?.[0]).toBe('TypeError: cannot read x');
  });

  it('does not retry when maximumRetryAttempts is 0', async () => {
    let calls = 0;
    const outcome = await invokeAsync(
      EVENT,
      options(
        async () => {
          calls++;
          throw new Error('no');
        },
        { maximumRetryAttempts: 0 },
      ),
    );
    expect(calls).toBe(1);
    expect(outcome.ok || outcome.record.requestContext.approximateInvokeCount).toBe(1);
  });

  it('reports a handler still running at the timeout as Sandbox.Timedout', async () => {
    const outcome = await invokeAsync(
      EVENT,
      options(() => new Promise(() => {}), { timeout: 0.02, maximumRetryAttempts: 0 }),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.record.responsePayload.errorType).toBe('Sandbox.Timedout');
    expect(outcome.record.responsePayload.errorMessage).toMatch(/Task timed out after 0\.02 seconds$/);
  });

  it('drops the event as EventAgeExceeded when a retry would start after maximumEventAge', async () => {
    // Prepare: each attempt takes 70 s of a fake clock; the event may wait 60 s.
    let now = 0;
    const handler: LambdaHandler = async () => {
      now += 70_000;
      throw new Error('slow failure');
    };
    // Act
    const outcome = await invokeAsync(EVENT, options(handler, { maximumEventAge: 60, clock: () => now }));
    // Assess
    expect(outcome.ok || outcome.record.requestContext).toEqual(
      expect.objectContaining({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 }),
    );
  });
});

describe('loadHandler', () => {
  it("imports a TypeScript handler by serverless.yml's handler path and export name", async () => {
    const root = await mkdtemp(join(tmpdir(), 'remedy-handler-'));
    try {
      await mkdir(join(root, 'functions'));
      const source = 'export const handler = async (event: { n: number }) => event.n * 2;\n';
      await writeFile(join(root, 'functions', 'double.ts'), source);
      const handler = await loadHandler(root, { file: 'functions/double', export: 'handler' });
      await expect(handler({ n: 21 }, {} as Context)).resolves.toBe(42);
      await expect(loadHandler(root, { file: 'functions/double', export: 'main' })).rejects.toThrow(
        /has no exported function "main" \(exports: handler\)/,
      );
      await expect(loadHandler(root, { file: 'functions/missing', export: 'handler' })).rejects.toThrow(
        /handler file not found/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
