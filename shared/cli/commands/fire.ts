import type { AwsCredentials } from '#adapters/eks/credentials.js';
import { buildFireMessage, type SnsMessageToSend } from '../fire-message.js';
import {
  type CliCommand,
  type CliIo,
  EXIT,
  envValue,
  parseCommandArgs,
  parseTimeFlag,
  UsageError,
} from '../io.js';
import { printJson } from '../output.js';
import { readLocalState } from '../table-target.js';

export const FIRE_USAGE = `usage: remedy fire [options]

Publishes one test alert to the alerts topic exactly as Alertmanager does through remedy.tmpl: the same JSON
body, subject and message attributes (alertname, severity, cluster, status; "none" when a label is absent).

  --alertname NAME          default: RemedyTestAlert (no policy handles it: audited as no-policy)
  --label k=v               a label; repeat for more (namespace=demo, pod=web-1, severity=warning, cluster=…)
  --annotation k=v          an annotation; repeat for more (summary=…, runbook_url=…)
  --status firing|resolved  default: firing
  --starts-at TIME          the episode's start (RFC 3339 or 10m for ten minutes ago); default: now. Resolve
                            an alert fired earlier by giving its startsAt again
  --receiver NAME           default: remedy
  --generator-url URL       the alert's Prometheus link
  --topic-arn ARN           the topic; default: REMEDY_TOPIC_ARN (serverless deploy prints AlertsTopicArn)
  --local                   the local stack's SNS endpoint, topic and credentials (.remedy/local.json)
  --endpoint URL            another SNS endpoint
  --region REGION           default: the topic ARN's region
  --print                   print the message body (stdout) and subject and attributes (stderr); publish nothing
  --output table|json       default: table
`;

/** What `fire` needs from outside; the default publishes with @aws-sdk/client-sns. */
export interface FireDeps {
  readonly publish?: (target: SnsTarget, message: SnsMessageToSend) => Promise<string>;
}

export interface SnsTarget {
  readonly topicArn: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentials;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]{2}(-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_-]{1,256}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `k=v` words into a map; a malformed word or a key given twice is a usage error naming the flag. */
export function parsePairs(flag: string, words: readonly string[], names?: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf('=');
    const key = at < 0 ? '' : word.slice(0, at);
    if (at <= 0) throw new UsageError(`${flag} wants key=value, got ${JSON.stringify(word)}`, FIRE_USAGE);
    if (names !== undefined && !names.test(key))
      throw new UsageError(
        `${flag} ${JSON.stringify(key)}: a label name is [a-zA-Z_][a-zA-Z0-9_]*`,
        FIRE_USAGE,
      );
    if (Object.hasOwn(out, key)) throw new UsageError(`${flag} ${key} is given twice`, FIRE_USAGE);
    out[key] = word.slice(at + 1);
  }
  return out;
}

/** `remedy fire`: one test alert into the pipeline, as Alertmanager would send it. */
export function fireCommand(deps: FireDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const { values } = parseCommandArgs(
        {
          args: [...args],
          options: {
            alertname: { type: 'string' },
            label: { type: 'string', multiple: true },
            annotation: { type: 'string', multiple: true },
            status: { type: 'string' },
            'starts-at': { type: 'string' },
            receiver: { type: 'string' },
            'generator-url': { type: 'string' },
            'topic-arn': { type: 'string' },
            local: { type: 'boolean' },
            endpoint: { type: 'string' },
            region: { type: 'string' },
            print: { type: 'boolean' },
            output: { type: 'string' },
            help: { type: 'boolean', short: 'h' },
          },
          strict: true,
          allowPositionals: false,
        },
        FIRE_USAGE,
      );
      if (values.help) {
        io.stdout(FIRE_USAGE);
        return EXIT.ok;
      }
      if (values.output !== undefined && !['table', 'json'].includes(values.output))
        throw new UsageError(
          `--output must be table or json, got ${JSON.stringify(values.output)}`,
          FIRE_USAGE,
        );
      const status = values.status ?? 'firing';
      if (status !== 'firing' && status !== 'resolved')
        throw new UsageError(
          `--status must be firing or resolved, got ${JSON.stringify(status)}`,
          FIRE_USAGE,
        );
      const labels = parsePairs('--label', values.label ?? [], LABEL_NAME);
      const annotations = parsePairs('--annotation', values.annotation ?? []);
      if (
        values.alertname !== undefined &&
        labels.alertname !== undefined &&
        labels.alertname !== values.alertname
      )
        throw new UsageError('--alertname and --label alertname=… disagree: give one', FIRE_USAGE);
      labels.alertname = values.alertname ?? labels.alertname ?? 'RemedyTestAlert';
      const now = io.now();
      const startsAt =
        values['starts-at'] === undefined
          ? now
          : parseTimeFlag('--starts-at', values['starts-at'], now, FIRE_USAGE);
      const built = buildFireMessage({
        labels,
        annotations,
        status,
        startsAt,
        ...(status === 'resolved' ? { endsAt: now } : {}),
        receiver: values.receiver ?? 'remedy',
        generatorURL: values['generator-url'] ?? '',
      });
      if (!built.ok) throw new UsageError(built.problem, FIRE_USAGE);
      const message = built.value;
      if (values.print) {
        io.stdout(`${message.message}\n`);
        io.stderr(`subject: ${message.subject}\nattributes: ${JSON.stringify(message.attributes)}\n`);
        return EXIT.ok;
      }

      const target = await resolveSnsTarget(values, io);
      // serverless.yml subscribes remediate with `severity: anything-but [info]`: such an alert never arrives.
      if (message.attributes.severity === 'info')
        io.stderr(
          'remedy: note: severity=info is dropped by the remediate subscription filter (serverless.yml): remedy will not see this alert\n',
        );
      const publish = deps.publish ?? publishWithSdk;
      const messageId = await publish(target, message).catch((error: unknown) => {
        throw describePublishError(target, error);
      });
      const alert = message.notification.alerts[0];
      if (values.output === 'json') {
        printJson(io, {
          messageId,
          topicArn: target.topicArn,
          subject: message.subject,
          attributes: message.attributes,
          fingerprint: alert?.fingerprint,
          startsAt: alert?.startsAt,
        });
        return EXIT.ok;
      }
      const local = values.local ? ' --local' : '';
      io.stdout(
        [
          `published ${message.subject} to ${target.topicArn}: MessageId ${messageId}`,
          `  labels ${JSON.stringify(labels)}`,
          `  fingerprint ${alert?.fingerprint}, startsAt ${alert?.startsAt}`,
          'next:',
          `  remedy audit --since 5m${local}                 what remedy decided (it may take a few seconds)`,
          ...(status === 'firing'
            ? [
                `  remedy fire${local} --status resolved --starts-at ${alert?.startsAt} ${Object.entries(
                  labels,
                )
                  .map(([k, v]) => `--label ${k}=${shellWord(v)}`)
                  .join(' ')}`,
                '                                                 resolves it',
              ]
            : []),
          '',
        ].join('\n'),
      );
      return EXIT.ok;
    },
  };
}

const shellWord = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

async function resolveSnsTarget(
  values: { 'topic-arn'?: string; local?: boolean; endpoint?: string; region?: string },
  io: CliIo,
): Promise<SnsTarget> {
  const local = values.local ? await readLocalState(io) : undefined;
  const topicArn = values['topic-arn'] ?? local?.sns.topicArn ?? envValue(io.env, 'REMEDY_TOPIC_ARN');
  if (topicArn === undefined)
    throw new UsageError('no topic: pass --topic-arn ARN, set REMEDY_TOPIC_ARN, or add --local', FIRE_USAGE);
  const match = TOPIC_ARN.exec(topicArn);
  if (!match) throw new UsageError(`not an SNS topic ARN: ${JSON.stringify(topicArn)}`, FIRE_USAGE);
  const endpoint = values.endpoint ?? local?.sns.endpoint;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint))
    throw new UsageError(`--endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`, FIRE_USAGE);
  return {
    topicArn,
    region: values.region ?? match[1] ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(local === undefined
      ? {}
      : { credentials: { accessKeyId: local.sns.accessKeyId, secretAccessKey: local.sns.secretAccessKey } }),
  };
}

async function publishWithSdk(target: SnsTarget, message: SnsMessageToSend): Promise<string> {
  const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
  const client = new SNSClient({
    region: target.region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    // A copy: the SDK annotates the credentials object it is given.
    ...(target.credentials === undefined ? {} : { credentials: { ...target.credentials } }),
    maxAttempts: 2,
  });
  try {
    const out = await client.send(
      new PublishCommand({
        TopicArn: target.topicArn,
        Subject: message.subject,
        Message: message.message,
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
    return out.MessageId ?? '(no MessageId)';
  } finally {
    client.destroy();
  }
}

function describePublishError(target: SnsTarget, error: unknown): Error {
  const name = (error as { name?: unknown }).name;
  const message = error instanceof Error ? error.message : String(error);
  const where = `topic ${target.topicArn}${target.endpoint ? ` at ${target.endpoint}` : ''}`;
  let hint: string;
  if (name === 'NotFoundException' || name === 'NotFound')
    hint = 'the topic does not exist (check the ARN and region)';
  else if (name === 'CredentialsProviderError')
    hint = 'no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID…, or add --local for the local stack)';
  else if (name === 'AuthorizationErrorException') hint = `not allowed to publish: ${message}`;
  else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(message))
    hint = `cannot connect (${message})${target.endpoint?.includes('127.0.0.1') ? '; is `npm start` running?' : ''}`;
  else hint = message;
  return new Error(`could not publish to ${where}: ${hint}`, { cause: error });
}
