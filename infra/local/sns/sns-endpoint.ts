// A local Amazon SNS endpoint on 127.0.0.1: the query-protocol API Alertmanager's sns_configs, the AWS CLI and
// @aws-sdk/client-sns call (Publish, CreateTopic, ListTopics, GetTopicAttributes), SigV4-verified and validated
// like SNS, delivering each accepted message to the subscriptions whose filter policy matches, as the exact
// Lambda SNS event, asynchronously (after the Publish response, as SNS does).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AwsCredentials,
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../aws/local-account.js';
import { verifySigV4 } from '../aws/sigv4.js';
import { closeServer, readBody } from '../http-util.js';
import { type FilterPolicyScope, matchFilterPolicy, validateFilterPolicy } from './filter-policy.js';
import { type PublishedMessage, type SnsLambdaEvent, snsLambdaEvent } from './lambda-event.js';
import { errorXml, queryParameters, type SnsError, senderError } from './query-protocol.js';
import { runAction, TopicRegistry } from './sns-actions.js';

/** Request bodies beyond this are refused before parsing (SNS's own limit is 256 KiB of payload). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** A function subscribed to a topic. */
export interface SnsSubscription {
  topicArn: string;
  filterPolicy?: Record<string, unknown>;
  /** Default `MessageAttributes`, as in SNS. */
  filterPolicyScope?: FilterPolicyScope;
  /** Receives the Lambda event; may run for long (retries) — `idle()` waits for it. */
  deliver: (event: SnsLambdaEvent) => unknown;
}

/** Where log lines go; defaults to nowhere. */
export interface SnsLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link startSnsEndpoint}. */
export interface SnsEndpointOptions {
  /** Default 0 (a free port); the local stack uses 4002. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Accepted signing credentials; default the local stack's. */
  credentials?: readonly AwsCredentials[];
  /** Topic names to create at start. */
  topics?: readonly string[];
  subscriptions?: readonly SnsSubscription[];
  logger?: SnsLogger;
  now?: () => Date;
}

/** A message a subscription did not get because its filter policy did not match. */
export interface FilteredDelivery {
  subscriptionArn: string;
  messageId: string;
  reason: string;
}

/** A request the endpoint refused (also answered to the client as SNS's XML error). */
export interface RejectedRequest {
  action: string | undefined;
  code: string;
  message: string;
  status: number;
}

/** A running endpoint. */
export interface SnsEndpoint {
  /** `http://127.0.0.1:<port>/`: the `api_url` / `--endpoint-url` to use. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  topicArn(name: string): string;
  /** Creates a topic (idempotent) and returns its ARN. */
  createTopic(name: string): string;
  /** Adds a subscription and returns its ARN; throws on an invalid filter policy (as SNS refuses it). */
  subscribe(subscription: SnsSubscription): string;
  readonly published: readonly PublishedMessage[];
  readonly filteredOut: readonly FilteredDelivery[];
  readonly rejected: readonly RejectedRequest[];
  /** Deliveries whose `deliver` threw or rejected. */
  readonly deliveryErrors: ReadonlyArray<{ subscriptionArn: string; messageId: string; error: unknown }>;
  /**
   * Delivers an already published message again, same MessageId and all, as SNS's at-least-once delivery may;
   * returns the deliveries in flight.
   */
  redeliver(messageId: string): Array<Promise<void>>;
  /** Resolves when no delivery is in flight (including deliveries started while waiting). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the local SNS endpoint on 127.0.0.1. */
export async function startSnsEndpoint(options: SnsEndpointOptions = {}): Promise<SnsEndpoint> {
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const credentials = options.credentials ?? [LOCAL_CREDENTIALS];
  const logger = options.logger ?? { info: () => {}, warn: () => {} };
  const now = options.now ?? (() => new Date());
  const topics = new TopicRegistry(region, accountId);
  const subscriptions = new Map<string, SnsSubscription>();
  const published: PublishedMessage[] = [];
  const filteredOut: FilteredDelivery[] = [];
  const rejected: RejectedRequest[] = [];
  const deliveryErrors: Array<{ subscriptionArn: string; messageId: string; error: unknown }> = [];
  const inFlight = new Set<Promise<void>>();
  let url = '';

  const subscribe = (subscription: SnsSubscription): string => {
    if (subscription.filterPolicy !== undefined) {
      validateFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope ?? 'MessageAttributes');
    }
    // serverless.yml creates the topic beside the subscription; do the same for topics of this endpoint.
    const topicName = topics.nameOf(subscription.topicArn);
    if (topicName === undefined)
      throw new Error(`cannot subscribe to ${subscription.topicArn}: not a topic of ${region}/${accountId}`);
    topics.create(topicName);
    const arn = `${subscription.topicArn}:${randomUUID()}`;
    subscriptions.set(arn, subscription);
    return arn;
  };

  // Fan-out: SNS delivers after answering the publisher; a failing subscriber never affects the Publish call.
  const fanOut = (message: PublishedMessage): void => {
    published.push(message);
    logger.info('sns publish', {
      topicArn: message.topicArn,
      messageId: message.messageId,
      subject: message.subject,
    });
    deliver(message);
  };

  const deliver = (message: PublishedMessage): void => {
    for (const [subscriptionArn, subscription] of subscriptions) {
      if (subscription.topicArn !== message.topicArn) continue;
      const verdict =
        subscription.filterPolicy === undefined
          ? { match: true as const }
          : matchFilterPolicy(
              subscription.filterPolicy,
              subscription.filterPolicyScope ?? 'MessageAttributes',
              {
                body: message.message,
                attributes: message.attributes,
              },
            );
      if (!verdict.match) {
        filteredOut.push({ subscriptionArn, messageId: message.messageId, reason: verdict.reason });
        logger.info('sns filtered out', {
          subscriptionArn,
          messageId: message.messageId,
          reason: verdict.reason,
        });
        continue;
      }
      const event = snsLambdaEvent(message, subscriptionArn, url);
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => subscription.deliver(event))
        .then(
          () => undefined,
          (error: unknown) => {
            deliveryErrors.push({ subscriptionArn, messageId: message.messageId, error });
            logger.warn('sns delivery failed', {
              subscriptionArn,
              messageId: message.messageId,
              error: String(error),
            });
          },
        )
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === undefined)
      return reply(response, senderError('RequestEntityTooLarge', 'Request body too large', 413));
    const params = queryParameters(request.url ?? '/', body.toString('utf8'));
    const action = params.get('Action');
    const refuse = (error: SnsError) => {
      rejected.push({ action, code: error.code, message: error.message, status: error.status });
      logger.warn('sns request refused', { action, code: error.code, message: error.message });
      reply(response, error);
    };
    if (request.method !== 'POST' && request.method !== 'GET') {
      return refuse(senderError('InvalidAction', `Unsupported method ${request.method}`, 405));
    }
    const auth = verifySigV4(
      { method: request.method, url: request.url ?? '/', headers: request.headers, body },
      {
        service: 'sns',
        region,
        now: now(),
        lookup: (id) => credentials.find((c) => c.accessKeyId === id),
      },
    );
    if (!auth.ok)
      return refuse({ code: auth.code, message: auth.message, status: auth.status, type: 'Sender' });
    const outcome = runAction(params, {
      topics,
      subscriptionCount: (topicArn) =>
        [...subscriptions.values()].filter((s) => s.topicArn === topicArn).length,
      accept: fanOut,
      newMessageId: randomUUID,
      now,
    });
    if (!outcome.ok) return refuse(outcome.error);
    response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
    response.end(outcome.xml);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.warn('sns endpoint error', { error: String(error) });
      if (!response.headersSent)
        reply(response, { code: 'InternalFailure', message: String(error), status: 500, type: 'Receiver' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}/`;
  for (const name of options.topics ?? []) topics.create(name);
  for (const subscription of options.subscriptions ?? []) subscribe(subscription);

  return {
    url,
    port,
    region,
    accountId,
    topicArn: (name) => topics.arnFor(name),
    createTopic: (name) => topics.create(name),
    subscribe,
    published,
    filteredOut,
    rejected,
    deliveryErrors,
    redeliver: (messageId) => {
      const message = published.find((m) => m.messageId === messageId);
      if (!message) throw new Error(`no published message ${messageId}`);
      deliver(message);
      return [...inFlight];
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () => closeServer(server),
  };
}

function reply(response: ServerResponse, error: SnsError): void {
  response.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(errorXml(error));
}
