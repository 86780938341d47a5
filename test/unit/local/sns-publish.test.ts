import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PublishedMessage } from '../../../infra/local/sns/lambda-event.js';
import { snsLambdaEvent } from '../../../infra/local/sns/lambda-event.js';
import {
  isValidSubject,
  MAX_PUBLISH_BYTES,
  validatePublish,
} from '../../../infra/local/sns/publish-validation.js';
import { errorXml, queryParameters } from '../../../infra/local/sns/query-protocol.js';
import { type ActionContext, runAction, TopicRegistry } from '../../../infra/local/sns/sns-actions.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const NOW = new Date('2026-11-25T10:56:13.500Z');

function context() {
  const topics = new TopicRegistry('us-east-1', '123456789012');
  topics.create('alerts');
  const accepted: PublishedMessage[] = [];
  const ctx: ActionContext = {
    topics,
    subscriptionCount: () => 1,
    accept: (message) => accepted.push(message),
    newMessageId: () => '11111111-2222-4333-8444-555555555555',
    now: () => NOW,
  };
  return { ctx, accepted };
}

// A Publish the way Alertmanager sends it, with some parameters replaced.
function publishParams(overrides: Record<string, string | undefined> = {}): Map<string, string> {
  const params = queryParameters('/', fixture('am-sns-json-publish.json').body);
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) params.delete(name);
    else params.set(name, value);
  }
  return params;
}

describe('Publish', () => {
  it("accepts Alertmanager 0.25's captured Publish and hands on message, subject and attributes", () => {
    // Prepare
    const { ctx, accepted } = context();
    // Act
    const outcome = runAction(publishParams(), ctx);
    // Assess
    expect(outcome.ok && outcome.xml).toMatch(
      /^<PublishResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><PublishResult><MessageId>11111111-2222-4333-8444-555555555555<\/MessageId><\/PublishResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/PublishResponse>/,
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.subject).toBe('[FIRING:2] PodCrashLooping shop (critical)');
    expect(JSON.parse(accepted[0]?.message ?? '').alerts).toHaveLength(2);
    expect(accepted[0]?.attributes).toEqual({
      alertname: { Type: 'String', Value: 'PodCrashLooping' },
      severity: { Type: 'String', Value: 'critical' },
      source: { Type: 'String', Value: 'alertmanager' },
    });
  });

  it.each([
    [
      'a 100-character subject',
      { Subject: 'x'.repeat(100) },
      'InvalidParameter',
      'Invalid parameter: Subject',
    ],
    ['a subject with a line break', { Subject: 'a\nb' }, 'InvalidParameter', 'Invalid parameter: Subject'],
    [
      'a non-ASCII subject',
      { Subject: '[FIRING:1] Pod café' },
      'InvalidParameter',
      'Invalid parameter: Subject',
    ],
    ['an empty message', { Message: '' }, 'InvalidParameter', 'Invalid parameter: Empty message'],
    [
      'an empty attribute value',
      { 'MessageAttributes.entry.2.Value.StringValue': '' },
      'InvalidParameterValue',
      "The message attribute 'severity' must contain non-empty message attribute value for message attribute type 'String'.",
    ],
    [
      'a message over 256 KiB',
      { Message: 'x'.repeat(MAX_PUBLISH_BYTES - 10) },
      'InvalidParameter',
      'Invalid parameter: Message too long',
    ],
    [
      'a topic of another region',
      { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' },
      'InvalidParameter',
      'Invalid parameter: TopicArn',
    ],
    [
      'an unknown topic',
      { TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope' },
      'NotFound',
      'Topic does not exist',
    ],
  ])('refuses %s like SNS', (_what, overrides, code, message) => {
    const { ctx, accepted } = context();
    const outcome = runAction(publishParams(overrides), ctx);
    expect(outcome).toMatchObject({ ok: false, error: { code, message, type: 'Sender' } });
    expect(accepted).toHaveLength(0);
  });

  it('counts attribute names, types and values against the 256 KiB limit, not just the message', () => {
    const message = 'x'.repeat(MAX_PUBLISH_BYTES - 20);
    const input = {
      topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      targetArn: undefined,
      phoneNumber: undefined,
      message,
      subject: undefined,
      messageStructure: undefined,
      attributes: [{ name: 'severity', dataType: 'String', stringValue: 'critical', binaryValue: undefined }],
    };
    expect(validatePublish({ ...input, attributes: [] })).toBeUndefined();
    expect(validatePublish(input)?.message).toBe('Invalid parameter: Message too long');
  });

  it('answers errors with the XML document SNS sends', () => {
    const xml = errorXml(
      { code: 'InvalidParameter', message: 'Invalid parameter: Subject', status: 400, type: 'Sender' },
      'req-1',
    );
    expect(xml).toBe(
      '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: Subject</Message></Error><RequestId>req-1</RequestId></ErrorResponse>\n',
    );
  });

  it('accepts subjects of 1 to 99 printable ASCII characters that do not start with a space', () => {
    expect(isValidSubject('x'.repeat(99))).toBe(true);
    expect(isValidSubject('[RESOLVED] A')).toBe(true);
    expect(isValidSubject(' leading space')).toBe(false);
    expect(isValidSubject('')).toBe(false);
    expect(isValidSubject('tab\there')).toBe(false);
  });
});

describe('CreateTopic, ListTopics, GetTopicAttributes', () => {
  it('creates a topic idempotently and lists it', () => {
    const { ctx } = context();
    const first = runAction(
      new Map([
        ['Action', 'CreateTopic'],
        ['Name', 'other'],
      ]),
      ctx,
    );
    const again = runAction(
      new Map([
        ['Action', 'CreateTopic'],
        ['Name', 'other'],
      ]),
      ctx,
    );
    const list = runAction(new Map([['Action', 'ListTopics']]), ctx);
    const arn = '<TopicArn>arn:aws:sns:us-east-1:123456789012:other</TopicArn>';
    expect(first.ok && first.xml).toContain(arn);
    expect(again.ok && again.xml).toContain(arn);
    expect(list.ok && list.xml).toContain(
      `<Topics><member><TopicArn>arn:aws:sns:us-east-1:123456789012:alerts</TopicArn></member><member>${arn}`,
    );
  });

  it('reports topic attributes, and NotFound (404) for a topic that does not exist', () => {
    const { ctx } = context();
    const found = runAction(
      new Map([
        ['Action', 'GetTopicAttributes'],
        ['TopicArn', 'arn:aws:sns:us-east-1:123456789012:alerts'],
      ]),
      ctx,
    );
    const missing = runAction(
      new Map([
        ['Action', 'GetTopicAttributes'],
        ['TopicArn', 'arn:aws:sns:us-east-1:123456789012:gone'],
      ]),
      ctx,
    );
    expect(found.ok && found.xml).toContain(
      '<entry><key>SubscriptionsConfirmed</key><value>1</value></entry>',
    );
    expect(missing).toMatchObject({ ok: false, error: { code: 'NotFound', status: 404 } });
  });

  it('refuses an unknown action with InvalidAction', () => {
    const { ctx } = context();
    expect(runAction(new Map([['Action', 'Subscribe']]), ctx)).toMatchObject({
      ok: false,
      error: { code: 'InvalidAction' },
    });
  });
});

describe('snsLambdaEvent', () => {
  it('has exactly the fields of the Lambda SNS record serverless-offline-sns delivers, Subject null when absent', () => {
    // Prepare
    const captured = fixture('offline-sns-lambda-event-record.json').record;
    const published: PublishedMessage = {
      messageId: 'm-1',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      subject: undefined,
      message: '{}',
      attributes: { severity: { Type: 'String', Value: 'critical' } },
      timestamp: NOW,
    };
    // Act
    const event = snsLambdaEvent(
      published,
      'arn:aws:sns:us-east-1:123456789012:alerts:sub-1',
      'http://127.0.0.1:4002/',
    );
    // Assess
    const [record] = event.Records;
    expect(Object.keys(record ?? {}).sort()).toEqual(Object.keys(captured).sort());
    expect(Object.keys(record?.Sns ?? {}).sort()).toEqual(Object.keys(captured.Sns).sort());
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:alerts:sub-1',
      Sns: {
        Type: 'Notification',
        Subject: null,
        Timestamp: '2026-11-25T10:56:13.500Z',
        SignatureVersion: '1',
      },
    });
    expect(record?.Sns.MessageAttributes).toEqual({ severity: { Type: 'String', Value: 'critical' } });
    expect(record?.Sns.UnsubscribeUrl).toBe(
      'http://127.0.0.1:4002/?Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts%3Asub-1',
    );
  });
});
