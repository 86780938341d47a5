import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FollowupMessage } from '#domain/verify/message.js';
import { MAX_SQS_DELAY_SECONDS } from '#domain/verify/outcome.js';
import type { FollowupScheduler } from '#domain/verify/ports.js';

export interface FollowupQueueOptions {
  queueUrl: string;
  region: string;
  /** Endpoint override (the local stack's queue). */
  endpoint?: string | undefined;
  /** Fixed credentials (tools, tests); default: the SDK's chain (the function's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/**
 * Sends followup messages with SQS DelaySeconds (at most 15 minutes; the followup re-sends a longer wait).
 * The SQS client loads on the first send, so a remediate invocation that never acts does not pay for it.
 */
export class SqsFollowupQueue implements FollowupScheduler {
  private client:
    | Promise<{ client: SQSClient; send: typeof import('@aws-sdk/client-sqs').SendMessageCommand }>
    | undefined;

  constructor(private readonly o: FollowupQueueOptions) {}

  async schedule(message: FollowupMessage, delaySeconds: number): Promise<void> {
    const { client, send } = await this.sqs();
    await client.send(
      new send({
        QueueUrl: this.o.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
        MessageAttributes: {
          episode: { DataType: 'String', StringValue: message.action.episode },
          policy: { DataType: 'String', StringValue: message.action.policy },
        },
      }),
    );
  }

  private sqs() {
    this.client ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageCommand }) => ({
      client: new SQSClient({
        region: this.o.region,
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
        ...(this.o.credentials ? { credentials: { ...this.o.credentials } } : {}),
        maxAttempts: 3,
      }),
      send: SendMessageCommand,
    }));
    return this.client;
  }
}
