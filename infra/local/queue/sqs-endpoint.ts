// A local SQS endpoint (AWS JSON 1.0 protocol, as @aws-sdk/client-sqs 3.x speaks it: `x-amz-target:
// AmazonSQS.SendMessage`) with Lambda's SQS event source behind it: messages honour DelaySeconds, are handed to
// the function in batches as exact Lambda SQS events, and those the function reports in `batchItemFailures`
// (or a whole batch whose invocation threw) come back after the visibility timeout, until maxReceiveCount moves
// them to the dead-letter list. Requests are SigV4-checked like the local SNS endpoint.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../aws/local-account.js';
import { verifySigV4 } from '../aws/sigv4.js';

/** SQS's own limits. */
export const MAX_DELAY_SECONDS = 900;
export const MAX_MESSAGE_BYTES = 262_144;
/** Lambda's SQS event source takes at most 10 messages per batch from a standard queue (without a window). */
export const MAX_BATCH_SIZE = 10;

export interface LocalQueueSpec {
  name: string;
  /** Seconds a received message stays invisible (deployed: 6 × the function timeout). Locally shorter. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter list (the queue's RedrivePolicy). */
  maxReceiveCount: number;
}

/** A function reading a queue, as serverless.yml's `sqs` event wires it. */
export interface QueueConsumer {
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Invokes the function synchronously with the event; resolves with its response or rejects with its error. */
  invoke: (event: SQSEvent) => Promise<unknown>;
}

export interface DeadLetteredMessage {
  queue: string;
  messageId: string;
  body: string;
  receiveCount: number;
  lastError: string;
}

interface Message {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  attributes: SQSRecord['messageAttributes'];
}

export interface SqsEndpoint {
  url: string;
  region: string;
  accountId: string;
  queueUrl(name: string): string;
  queueArn(name: string): string;
  /** Starts delivering the queue's messages to a function (one consumer per queue). */
  consume(queue: string, consumer: QueueConsumer): void;
  /** Messages sent (SendMessage accepted), oldest first. */
  sent: Array<{ queue: string; messageId: string; body: string; delaySeconds: number; at: number }>;
  deadLetters: DeadLetteredMessage[];
  /** Resolves once no message is waiting, in flight or due for redelivery. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface SqsEndpointOptions {
  port?: number;
  region?: string;
  accountId?: string;
  queues: LocalQueueSpec[];
  credentials?: Array<{ accessKeyId: string; secretAccessKey: string }>;
  onDeadLetter?: (message: DeadLetteredMessage) => unknown;
  log?: (line: string) => void;
}

class SqsError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export async function startSqsEndpoint(options: SqsEndpointOptions): Promise<SqsEndpoint> {
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const credentials = options.credentials ?? [LOCAL_CREDENTIALS];
  const log = options.log ?? (() => {});
  const queues = new Map(options.queues.map((q) => [q.name, { spec: q, messages: [] as Message[] }]));
  const consumers = new Map<string, QueueConsumer>();
  const inFlight = new Set<Promise<void>>();
  const sent: SqsEndpoint['sent'] = [];
  const deadLetters: DeadLetteredMessage[] = [];
  let url = '';
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const queueUrl = (name: string) => `${url}${accountId}/${name}`;
  const queueArn = (name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;
  const queueOf = (qUrl: unknown) => {
    const name = typeof qUrl === 'string' ? qUrl.split('/').at(-1) : undefined;
    const queue = name ? queues.get(name) : undefined;
    if (!queue || qUrl !== queueUrl(name ?? ''))
      throw new SqsError(
        'com.amazonaws.sqs#QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        'The specified queue does not exist.',
      );
    return queue;
  };

  // Delivers whatever is visible, batch by batch, and re-arms a timer for the next message to become visible.
  const pump = () => {
    if (closed) return;
    clearTimeout(timer);
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [name, queue] of queues) {
      const consumer = consumers.get(name);
      if (!consumer) continue;
      const visible = queue.messages.filter((m) => m.visibleAt <= now);
      for (const m of queue.messages) if (m.visibleAt > now) next = Math.min(next, m.visibleAt);
      for (let i = 0; i < visible.length; i += consumer.batchSize) {
        const batch = visible.slice(i, i + consumer.batchSize);
        for (const m of batch) {
          m.receiveCount++;
          m.firstReceivedAt ??= now;
          m.visibleAt = now + queue.spec.visibilityTimeoutSeconds * 1000;
        }
        const run = deliver(name, queue.spec, queue.messages, batch, consumer).finally(() => {
          inFlight.delete(run);
          pump();
        });
        inFlight.add(run);
      }
    }
    if (Number.isFinite(next)) timer = setTimeout(pump, Math.max(0, next - Date.now()));
  };

  const deliver = async (
    name: string,
    spec: LocalQueueSpec,
    messages: Message[],
    batch: Message[],
    consumer: QueueConsumer,
  ): Promise<void> => {
    const event: SQSEvent = { Records: batch.map((m) => record(name, m)) };
    let failed: Set<string>;
    let error = '';
    try {
      const response = await consumer.invoke(structuredClone(event));
      failed = consumer.reportBatchItemFailures ? failedIds(response, batch) : new Set();
      if (failed.size > 0) error = 'reported in batchItemFailures';
    } catch (e) {
      // The invocation failed: every message of the batch returns after its visibility timeout.
      failed = new Set(batch.map((m) => m.messageId));
      error = e instanceof Error ? e.message : String(e);
    }
    for (const m of batch) {
      const at = messages.indexOf(m);
      if (at < 0) continue;
      if (!failed.has(m.messageId)) {
        messages.splice(at, 1); // deleted: the event source deletes what succeeded
      } else if (m.receiveCount >= spec.maxReceiveCount) {
        messages.splice(at, 1);
        const dead = {
          queue: name,
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          lastError: error,
        };
        deadLetters.push(dead);
        log(
          `sqs ${name}: message ${m.messageId} moved to the dead-letter queue after ${m.receiveCount} receives (${error})`,
        );
        await options.onDeadLetter?.(dead);
      }
      // else: stays, visible again at visibleAt (set when received).
    }
  };

  const record = (name: string, m: Message): SQSRecord => ({
    messageId: m.messageId,
    receiptHandle: Buffer.from(`${m.messageId}#${m.receiveCount}`).toString('base64'),
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: LOCAL_CREDENTIALS.accessKeyId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
    },
    messageAttributes: m.attributes,
    md5OfBody: m.md5,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(name),
    awsRegion: region,
  });

  const sendMessage = (input: Record<string, unknown>) => {
    const queue = queueOf(input.QueueUrl);
    const body = input.MessageBody;
    if (typeof body !== 'string' || body.length === 0)
      throw new SqsError(
        'com.amazonaws.sqs#MissingParameter',
        'AWS.SimpleQueueService.MissingParameter',
        'The request must contain the parameter MessageBody.',
      );
    if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES)
      throw new SqsError(
        'com.amazonaws.sqs#InvalidParameterValue',
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    const delay = input.DelaySeconds ?? 0;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS)
      throw new SqsError(
        'com.amazonaws.sqs#InvalidParameterValue',
        'InvalidParameterValue',
        `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: must be between 0 and ${MAX_DELAY_SECONDS}, if provided.`,
      );
    const now = Date.now();
    const m: Message = {
      messageId: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      attributes: messageAttributes(input.MessageAttributes),
    };
    queue.messages.push(m);
    sent.push({ queue: queue.spec.name, messageId: m.messageId, body, delaySeconds: delay, at: now });
    queueMicrotask(pump);
    return { MessageId: m.messageId, MD5OfMessageBody: m.md5 };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || !target.startsWith('AmazonSQS.'))
        throw new SqsError(
          'com.amazonaws.sqs#InvalidAction',
          'InvalidAction',
          'only the AWS JSON protocol (x-amz-target: AmazonSQS.*) is served here',
        );
      const auth = verifySigV4(
        { method: 'POST', url: request.url ?? '/', headers: request.headers, body },
        { service: 'sqs', region, lookup: (id) => credentials.find((c) => c.accessKeyId === id) },
      );
      if (!auth.ok)
        throw new SqsError('com.amazonaws.sqs#InvalidSecurity', 'InvalidSecurity', auth.message, auth.status);
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new SqsError(
          'com.amazonaws.sqs#InvalidParameterValue',
          'InvalidParameterValue',
          'request body is not JSON',
        );
      }
      const action = target.slice('AmazonSQS.'.length);
      const result =
        action === 'SendMessage'
          ? sendMessage(input)
          : action === 'GetQueueUrl'
            ? {
                QueueUrl:
                  queueOf(queueUrl(String(input.QueueName ?? ''))) && queueUrl(String(input.QueueName)),
              }
            : (() => {
                throw new SqsError(
                  'com.amazonaws.sqs#UnsupportedOperation',
                  'AWS.SimpleQueueService.UnsupportedOperation',
                  `${action} is not served by the local queue`,
                );
              })();
      response.writeHead(200, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      response.end(JSON.stringify(result));
    } catch (error) {
      const e =
        error instanceof SqsError
          ? error
          : new SqsError('com.amazonaws.sqs#InternalError', 'InternalError', String(error), 500);
      log(`sqs refused a request: ${e.message}`);
      response.writeHead(e.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${e.queryCode};${e.status >= 500 ? 'Receiver' : 'Sender'}`,
      });
      response.end(JSON.stringify({ __type: e.type, message: e.message }));
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    region,
    accountId,
    queueUrl,
    queueArn,
    consume(queue, consumer) {
      if (!queues.has(queue)) throw new Error(`no local queue named ${queue}`);
      consumers.set(queue, {
        ...consumer,
        batchSize: Math.min(MAX_BATCH_SIZE, Math.max(1, consumer.batchSize)),
      });
      queueMicrotask(pump);
    },
    sent,
    deadLetters,
    async idle() {
      for (;;) {
        if (inFlight.size > 0) {
          await Promise.allSettled([...inFlight]);
          continue;
        }
        const waiting = [...queues.values()].flatMap((q) => q.messages);
        if (waiting.length === 0) return;
        const next = Math.min(...waiting.map((m) => m.visibleAt));
        await new Promise((r) => setTimeout(r, Math.max(10, next - Date.now())));
      }
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The ids a ReportBatchItemFailures response names. As Lambda does, a malformed response (not an object, an
 * unknown or empty itemIdentifier) fails the whole batch; null/empty means all succeeded.
 */
export const failedIds = (response: unknown, batch: ReadonlyArray<{ messageId: string }>): Set<string> => {
  const all = new Set(batch.map((m) => m.messageId));
  if (response === null || response === undefined) return new Set();
  if (typeof response !== 'object') return all;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    ids.add(id);
  }
  return ids;
};

const messageAttributes = (input: unknown): SQSRecord['messageAttributes'] => {
  if (typeof input !== 'object' || input === null) return {};
  const out: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(
    input as Record<string, { DataType?: string; StringValue?: string }>,
  )) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return out;
};
