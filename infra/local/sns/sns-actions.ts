// The SNS actions the local endpoint implements: Publish, CreateTopic, ListTopics, GetTopicAttributes.
// Each takes the query parameters and answers with SNS's XML; Publish hands accepted messages on.

import { eventAttributes, type PublishedMessage } from './lambda-event.js';
import { messageForLambda, validatePublish } from './publish-validation.js';
import { publishAttributes, type SnsError, senderError, successXml, xmlEscape } from './query-protocol.js';

/** Topic names: 1-256 letters, digits, "-" and "_" (".fifo" suffix for FIFO topics). */
const VALID_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}(\.fifo)?$/;

/** The endpoint's topics and the ARNs they have in its region and account. */
export class TopicRegistry {
  readonly #names = new Set<string>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** `arn:aws:sns:<region>:<account>:<name>` */
  arnFor(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** Creates a topic (idempotent, like SNS for the same name and attributes); returns its ARN. */
  create(name: string): string {
    if (!VALID_TOPIC_NAME.test(name)) throw new Error(`invalid SNS topic name "${name}"`);
    this.#names.add(name);
    return this.arnFor(name);
  }

  /** Whether the ARN names a topic of this endpoint. */
  has(arn: string): boolean {
    const name = this.nameOf(arn);
    return name !== undefined && this.#names.has(name);
  }

  /** The topic name of an ARN in this region and account, or undefined. */
  nameOf(arn: string): string | undefined {
    const prefix = `arn:aws:sns:${this.region}:${this.accountId}:`;
    return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
  }

  /** Every topic ARN, sorted. */
  list(): string[] {
    return [...this.#names].sort().map((name) => this.arnFor(name));
  }
}

/** What an action needs from the endpoint. */
export interface ActionContext {
  topics: TopicRegistry;
  subscriptionCount(topicArn: string): number;
  /** Called with each accepted message, before the response is sent. */
  accept(message: PublishedMessage): void;
  newMessageId(): string;
  now(): Date;
}

/** An action's answer: XML body and status; `error` set when it is an error response. */
export type ActionOutcome = { ok: true; xml: string } | { ok: false; error: SnsError };

/** Runs the action named by the `Action` parameter. */
export function runAction(params: ReadonlyMap<string, string>, context: ActionContext): ActionOutcome {
  const action = params.get('Action');
  switch (action) {
    case 'Publish':
      return publish(params, context);
    case 'CreateTopic':
      return createTopic(params, context);
    case 'ListTopics':
      return ok('ListTopics', listTopicsXml(context.topics.list()));
    case 'GetTopicAttributes':
      return getTopicAttributes(params, context);
    case undefined:
      return { ok: false, error: senderError('MissingAction', 'Missing Action') };
    default:
      return {
        ok: false,
        error: senderError('InvalidAction', `Could not find operation ${action} for version 2010-03-31`),
      };
  }
}

function publish(params: ReadonlyMap<string, string>, context: ActionContext): ActionOutcome {
  const input = {
    topicArn: params.get('TopicArn'),
    targetArn: params.get('TargetArn'),
    phoneNumber: params.get('PhoneNumber'),
    message: params.get('Message'),
    subject: params.get('Subject'),
    messageStructure: params.get('MessageStructure'),
    attributes: publishAttributes(params),
  };
  const invalid = validatePublish(input);
  if (invalid) return { ok: false, error: invalid };
  if (input.topicArn === undefined) {
    return {
      ok: false,
      error: senderError(
        'InvalidParameter',
        'Invalid parameter: the local endpoint publishes to topics only',
      ),
    };
  }
  const topicError = checkTopic(input.topicArn, context);
  if (topicError) return { ok: false, error: topicError };
  const messageId = context.newMessageId();
  context.accept({
    messageId,
    topicArn: input.topicArn,
    subject: input.subject,
    message: messageForLambda(input),
    attributes: eventAttributes(input.attributes),
    timestamp: context.now(),
  });
  return ok('Publish', `<MessageId>${messageId}</MessageId>`);
}

function createTopic(params: ReadonlyMap<string, string>, context: ActionContext): ActionOutcome {
  const name = params.get('Name') ?? '';
  if (!VALID_TOPIC_NAME.test(name))
    return { ok: false, error: senderError('InvalidParameter', 'Invalid parameter: Topic Name') };
  return ok('CreateTopic', `<TopicArn>${xmlEscape(context.topics.create(name))}</TopicArn>`);
}

function getTopicAttributes(params: ReadonlyMap<string, string>, context: ActionContext): ActionOutcome {
  const arn = params.get('TopicArn') ?? '';
  const topicError = checkTopic(arn, context);
  if (topicError) return { ok: false, error: topicError };
  const attributes: Record<string, string> = {
    TopicArn: arn,
    Owner: context.topics.accountId,
    DisplayName: '',
    SubscriptionsConfirmed: String(context.subscriptionCount(arn)),
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    Policy: JSON.stringify(defaultTopicPolicy(arn, context.topics.accountId)),
  };
  const entries = Object.entries(attributes)
    .map(([key, value]) => `<entry><key>${key}</key><value>${xmlEscape(value)}</value></entry>`)
    .join('');
  return ok('GetTopicAttributes', `<Attributes>${entries}</Attributes>`);
}

// A malformed ARN or one from another region/account is a parameter error; a well-formed unknown one is 404.
function checkTopic(arn: string, context: ActionContext): SnsError | undefined {
  const name = context.topics.nameOf(arn);
  if (name === undefined || !VALID_TOPIC_NAME.test(name))
    return senderError('InvalidParameter', 'Invalid parameter: TopicArn');
  if (!context.topics.has(arn)) return senderError('NotFound', 'Topic does not exist', 404);
  return undefined;
}

function listTopicsXml(arns: readonly string[]): string {
  return `<Topics>${arns.map((arn) => `<member><TopicArn>${xmlEscape(arn)}</TopicArn></member>`).join('')}</Topics>`;
}

// The policy SNS gives a new topic: the owning account may do everything.
function defaultTopicPolicy(arn: string, accountId: string): unknown {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:Publish', 'SNS:GetTopicAttributes', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic'],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  };
}

function ok(action: string, resultXml: string): ActionOutcome {
  return { ok: true, xml: successXml(action, resultXml) };
}
