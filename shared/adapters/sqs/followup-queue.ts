import { createHash } from 'node:crypto';
import type { FollowupMessage } from '#domain/verify/message.js';
import { MAX_SQS_DELAY_SECONDS } from '#domain/verify/outcome.js';
import type { FollowupScheduler } from '#domain/verify/ports.js';
import { AwsJsonClient } from '../aws/aws-json.js';
import type { CredentialProvider } from '../eks/credentials.js';

export interface FollowupQueueOptions {
  queueUrl: string;
  region: string;
  /** Endpoint override (the local stack's queue); default the queue URL's own host, as the AWS SDK does. */
  endpoint?: string | undefined;
  /** The function's credentials (the wiring's provider); tools and tests pass fixed ones as `async () => c`. */
  credentials: CredentialProvider;
}

/**
 * Sends followup messages with SQS DelaySeconds (at most 15 minutes; the followup re-sends a longer wait):
 * SendMessage in AWS JSON 1.0, the body the AWS SDK sends, and its check of the body's MD5 in the answer.
 */
export class SqsFollowupQueue implements FollowupScheduler {
  private readonly sqs: AwsJsonClient;

  constructor(private readonly o: FollowupQueueOptions) {
    this.sqs = new AwsJsonClient({
      service: 'sqs',
      targetPrefix: 'AmazonSQS',
      jsonVersion: '1.0',
      region: o.region,
      endpoint: o.endpoint ?? new URL(o.queueUrl).origin,
      credentials: o.credentials,
      maxAttempts: 3,
    });
  }

  async schedule(message: FollowupMessage, delaySeconds: number): Promise<void> {
    const body = JSON.stringify(message);
    const answer = await this.sqs.call('SendMessage', {
      QueueUrl: this.o.queueUrl,
      MessageBody: body,
      DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
      MessageAttributes: {
        episode: { DataType: 'String', StringValue: message.action.episode },
        policy: { DataType: 'String', StringValue: message.action.policy },
      },
    });
    if (answer.MD5OfMessageBody !== createHash('md5').update(body, 'utf8').digest('hex'))
      throw new Error('SQS SendMessage: the MD5 of the body SQS stored does not match the body sent');
  }

  /** Frees the kept-alive connection (a tool, a test). */
  destroy(): void {
    this.sqs.destroy();
  }
}
