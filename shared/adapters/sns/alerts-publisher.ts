import type { AlertsMessage } from '#domain/alert/webhook.js';

/**
 * Publishes to the alerts topic with @aws-sdk/client-sns (provided by the Lambda runtime, so not bundled),
 * loaded on first use and built once per container. Every attribute is a String, as Alertmanager sends them.
 */
export const snsAlertsPublisher = (options: {
  topicArn: string;
  region: string;
  endpoint?: string | undefined;
}): ((message: AlertsMessage) => Promise<string>) => {
  let client:
    | Promise<{
        send: (c: import('@aws-sdk/client-sns').PublishCommand) => Promise<{ MessageId?: string }>;
      }>
    | undefined;
  return async (message) => {
    const sdk = await import('@aws-sdk/client-sns');
    client ??= Promise.resolve(
      new sdk.SNSClient({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        // One SDK retry; Alertmanager retries the whole post after a 5xx.
        maxAttempts: 2,
      }),
    );
    const answer = await (await client).send(
      new sdk.PublishCommand({
        TopicArn: options.topicArn,
        Subject: message.subject,
        Message: message.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
    if (!answer.MessageId) throw new Error('SNS Publish answered without a MessageId');
    return answer.MessageId;
  };
};
