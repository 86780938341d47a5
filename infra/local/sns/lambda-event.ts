// The event SNS hands a subscribed Lambda function: one record per invocation, with the published message,
// `Subject` null when none was given, and attributes as {Type, Value} (not Publish's DataType/StringValue).
// https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
import { createHash } from 'node:crypto';
import type { SnsEventAttribute } from './filter-policy.js';
import type { PublishAttribute } from './query-protocol.js';

/** `Records[].Sns` of a Lambda SNS event. */
export interface SnsLambdaMessage {
  Type: 'Notification';
  MessageId: string;
  TopicArn: string;
  /** Null when the publisher sent no subject (what Lambda really delivers, although @types/aws-lambda says string). */
  Subject: string | null;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1';
  Signature: string;
  SigningCertUrl: string;
  UnsubscribeUrl: string;
  MessageAttributes: Record<string, SnsEventAttribute>;
}

/** One record of a Lambda SNS event. */
export interface SnsLambdaRecord {
  EventVersion: '1.0';
  EventSubscriptionArn: string;
  EventSource: 'aws:sns';
  Sns: SnsLambdaMessage;
}

/** The event a Lambda function subscribed to a topic is invoked with. */
export interface SnsLambdaEvent {
  Records: SnsLambdaRecord[];
}

/** A message as published, before it is fanned out to subscriptions. */
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  /** What a Lambda subscriber receives (MessageStructure=json already applied). */
  message: string;
  attributes: Record<string, SnsEventAttribute>;
  timestamp: Date;
}

/** Publish's attributes as the Lambda event shows them: Binary values stay base64. */
export function eventAttributes(attributes: readonly PublishAttribute[]): Record<string, SnsEventAttribute> {
  const result: Record<string, SnsEventAttribute> = {};
  for (const attribute of attributes) {
    const value = attribute.dataType?.startsWith('Binary') ? attribute.binaryValue : attribute.stringValue;
    result[attribute.name] = { Type: attribute.dataType ?? 'String', Value: value ?? '' };
  }
  return result;
}

/**
 * The Lambda event for one subscription. `endpointUrl` is the local SNS endpoint, so SigningCertUrl and
 * UnsubscribeUrl point at it rather than at AWS; the signature has the real one's shape but is not RSA:
 * Lambda handlers rely on Lambda's invocation, not on SNS signatures.
 */
export function snsLambdaEvent(
  published: PublishedMessage,
  subscriptionArn: string,
  endpointUrl: string,
): SnsLambdaEvent {
  const base = endpointUrl.replace(/\/$/, '');
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        EventSource: 'aws:sns',
        Sns: {
          Type: 'Notification',
          MessageId: published.messageId,
          TopicArn: published.topicArn,
          Subject: published.subject ?? null,
          Message: published.message,
          Timestamp: published.timestamp.toISOString(),
          SignatureVersion: '1',
          Signature: placeholderSignature(published),
          SigningCertUrl: `${base}/SimpleNotificationService-local.pem`,
          UnsubscribeUrl: `${base}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
          MessageAttributes: structuredClone(published.attributes),
        },
      },
    ],
  };
}

// Deterministic, base64 like the real (2048-bit RSA → 344 characters) signature.
function placeholderSignature(published: PublishedMessage): string {
  const digest = createHash('sha512').update(`${published.messageId}\n${published.message}`).digest();
  return Buffer.concat([digest, digest, digest, digest]).toString('base64');
}
