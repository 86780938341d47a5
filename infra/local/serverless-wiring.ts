// Reads serverless.yml's SNS-triggered functions (handler, topic, filter policy, async retry settings), so the
// local stack runs exactly what deploys. Resolves the few variable forms serverless.yml uses, in process
// (`osls print` does the same in about 3 s; this takes milliseconds and needs no child process).
import { readFile } from 'node:fs/promises';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';

/** Stage the local stack runs as: topic names, lambda names and params resolve for it. */
export const LOCAL_STAGE = 'local';
/** Lambda's defaults when serverless.yml leaves them out (async retries, event age, timeout, memory). */
const DEFAULTS = { maximumRetryAttempts: 2, maximumEventAge: 21_600, timeout: 6, memorySize: 1024 } as const;

/** One function subscribed to one SNS topic, as serverless.yml declares it. */
export interface SnsSubscriptionWiring {
  /** Key under `functions:` (e.g. "remediate"). */
  functionName: string;
  /** Deployed Lambda name: `<service>-<stage>-<functionName>`. */
  lambdaName: string;
  /** `functions/remediate.handler` → `{ file: 'functions/remediate', export: 'handler' }`. */
  handler: { file: string; export: string };
  topicName: string;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  maximumRetryAttempts: number;
  /** Seconds. */
  maximumEventAge: number;
  /** Seconds. */
  timeout: number;
  memorySize: number;
}

/** Stage and CLI options to resolve `${sls:stage}`, `${opt:…}` and `${param:…}` with. */
export interface WiringOptions {
  stage?: string;
  region?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Reads serverless.yml at a path and returns its SNS subscriptions. */
export async function readSnsWiring(
  path: string,
  options: WiringOptions = {},
): Promise<SnsSubscriptionWiring[]> {
  return snsWiringFromYaml(await readFile(path, 'utf8'), options);
}

/** Returns the SNS subscriptions of a serverless.yml source text. */
export function snsWiringFromYaml(source: string, options: WiringOptions = {}): SnsSubscriptionWiring[] {
  const { resolve, events } = eventsOf(source, options, 'sns');
  return events.map(({ fn, value: sns, common }) => {
    const entry: SnsSubscriptionWiring = {
      ...common,
      topicName: topicNameOf(sns, common.functionName),
      filterPolicyScope:
        isRecord(sns) && sns.filterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
      maximumRetryAttempts: numberOr(resolve(fn.maximumRetryAttempts), DEFAULTS.maximumRetryAttempts),
      maximumEventAge: numberOr(resolve(fn.maximumEventAge), DEFAULTS.maximumEventAge),
    };
    if (isRecord(sns) && isRecord(sns.filterPolicy)) entry.filterPolicy = sns.filterPolicy;
    return entry;
  });
}

/** One function reading one SQS queue, as serverless.yml's `sqs` event declares it (the event source mapping). */
export interface SqsConsumerWiring {
  functionName: string;
  lambdaName: string;
  handler: { file: string; export: string };
  /** The queue's logical id in the CloudFormation resources (`!GetAtt FollowupQueue.Arn` → FollowupQueue). */
  queue: string;
  /** 1–10 for a standard queue without a batching window; Lambda's default is 10. */
  batchSize: number;
  /** `functionResponseType: ReportBatchItemFailures`: only the messages the function names are retried. */
  reportBatchItemFailures: boolean;
  timeout: number;
  memorySize: number;
  /** From the queue resource's RedrivePolicy, when serverless.yml's resource files declare one. */
  maxReceiveCount?: number;
  /** The queue resource's VisibilityTimeout (seconds), when declared. */
  visibilityTimeout?: number;
}

/** Reads serverless.yml (and the resource files it includes) and returns its SQS-triggered functions. */
export async function readSqsWiring(path: string, options: WiringOptions = {}): Promise<SqsConsumerWiring[]> {
  const source = await readFile(path, 'utf8');
  const config = asRecord(parse(source, { customTags: CLOUDFORMATION_TAGS }), 'serverless.yml');
  const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
  const resources: Record<string, unknown> = {};
  const included = Array.isArray(config.resources) ? config.resources : [config.resources];
  for (const entry of included) {
    const file = typeof entry === 'string' ? /^\$\{file\(([^)]+)\)\}$/.exec(entry.trim())?.[1] : undefined;
    const fragment = file
      ? parse(await readFile(`${dir}/${file}`, 'utf8'), { customTags: CLOUDFORMATION_TAGS })
      : entry;
    if (isRecord(fragment) && isRecord(fragment.Resources)) Object.assign(resources, fragment.Resources);
  }
  return sqsWiringFromYaml(source, options, resources);
}

/** The SQS consumers of a serverless.yml source text; `resources` are the CloudFormation resources by id. */
export function sqsWiringFromYaml(
  source: string,
  options: WiringOptions = {},
  resources: Record<string, unknown> = {},
): SqsConsumerWiring[] {
  return eventsOf(source, options, 'sqs').events.map(({ value: sqs, common }) => {
    const arn = isRecord(sqs) ? sqs.arn : sqs;
    const getAtt = isRecord(arn) ? arn['Fn::GetAtt'] : undefined;
    const queue = Array.isArray(getAtt) && getAtt[1] === 'Arn' ? String(getAtt[0]) : undefined;
    if (!queue)
      throw new Error(
        `functions.${common.functionName}: the local stack needs the sqs event's arn as !GetAtt <Queue>.Arn`,
      );
    const props = isRecord(resources[queue]) ? resources[queue].Properties : undefined;
    const redrive = isRecord(props) && isRecord(props.RedrivePolicy) ? props.RedrivePolicy : undefined;
    const entry: SqsConsumerWiring = {
      ...common,
      queue,
      batchSize: isRecord(sqs) ? numberOr(sqs.batchSize, 10) : 10,
      reportBatchItemFailures: isRecord(sqs) && sqs.functionResponseType === 'ReportBatchItemFailures',
    };
    if (redrive && typeof redrive.maxReceiveCount === 'number')
      entry.maxReceiveCount = redrive.maxReceiveCount;
    if (isRecord(props) && typeof props.VisibilityTimeout === 'number')
      entry.visibilityTimeout = props.VisibilityTimeout;
    return entry;
  });
}

/** What every function's wiring has, whatever triggers it. */
interface CommonWiring {
  functionName: string;
  lambdaName: string;
  handler: { file: string; export: string };
  timeout: number;
  memorySize: number;
}

/**
 * Each function's events of one kind (`sns`, `sqs`), resolved, with the fields every trigger shares. Only the
 * fields read here are resolved: the rest (environment, resources) may use variables and CloudFormation
 * references the local stack has no values for.
 */
function eventsOf(
  source: string,
  options: WiringOptions,
  kind: 'sns' | 'sqs',
): {
  resolve: Resolver;
  events: Array<{ fn: Record<string, unknown>; value: unknown; common: CommonWiring }>;
} {
  const config = asRecord(parse(source, { customTags: CLOUDFORMATION_TAGS }), 'serverless.yml');
  const stage = options.stage ?? LOCAL_STAGE;
  const resolve = variableResolver(config, { ...options, stage });
  const service = String(resolve(config.service));
  const provider = asRecord(config.provider ?? {}, 'provider');
  const functions = asRecord(config.functions ?? {}, 'functions');
  const events: Array<{ fn: Record<string, unknown>; value: unknown; common: CommonWiring }> = [];
  for (const [functionName, rawFunction] of Object.entries(functions)) {
    const fn = asRecord(rawFunction, `functions.${functionName}`);
    for (const event of Array.isArray(fn.events) ? fn.events : []) {
      const value = isRecord(event) && event[kind] !== undefined ? resolve(event[kind]) : undefined;
      if (value === undefined) continue;
      events.push({
        fn,
        value,
        common: {
          functionName,
          lambdaName: `${service}-${stage}-${functionName}`,
          handler: splitHandler(String(resolve(fn.handler)), functionName),
          timeout: numberOr(resolve(fn.timeout), numberOr(resolve(provider.timeout), DEFAULTS.timeout)),
          memorySize: numberOr(
            resolve(fn.memorySize),
            numberOr(resolve(provider.memorySize), DEFAULTS.memorySize),
          ),
        },
      });
    }
  }
  return { resolve, events };
}

// `sns: <arn or name>` or `sns: { arn, topicName }`; an intrinsic arn (!Ref) needs topicName beside it.
function topicNameOf(sns: unknown, functionName: string): string {
  const fromArnOrName = (value: string) => value.split(':').at(-1) ?? value;
  if (typeof sns === 'string') return fromArnOrName(sns);
  if (isRecord(sns)) {
    if (typeof sns.topicName === 'string') return sns.topicName;
    if (typeof sns.arn === 'string') return fromArnOrName(sns.arn);
    // !Sub 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:name': the name is literal once variables resolved.
    const sub = isRecord(sns.arn) ? sns.arn['Fn::Sub'] : undefined;
    const name = typeof sub === 'string' ? fromArnOrName(sub) : undefined;
    if (name !== undefined && !name.includes('${')) return name;
  }
  throw new Error(`functions.${functionName}: sns event needs a topic name or a literal ARN`);
}

function splitHandler(handler: string, functionName: string): { file: string; export: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error(`functions.${functionName}.handler must look like "path/file.export", got "${handler}"`);
  }
  return { file: handler.slice(0, dot), export: handler.slice(dot + 1) };
}

type Resolver = (value: unknown) => unknown;

// Serverless variables: ${sls:stage}, ${opt:stage|region}, ${param:x}, ${self:a.b}, ${env:X}, with fallbacks
// after a comma (`${opt:region, 'us-east-1'}`). A value that is one whole variable keeps its type.
function variableResolver(
  config: Record<string, unknown>,
  options: WiringOptions & { stage: string },
): Resolver {
  const params = isRecord(config.params) ? config.params : {};
  const stageParams = isRecord(params[options.stage]) ? params[options.stage] : {};
  const defaultParams = isRecord(params.default) ? params.default : {};

  const source = (expression: string, depth: number): unknown => {
    const text = expression.trim();
    const quoted = /^(['"])(.*)\1$/.exec(text);
    if (quoted) return quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    const colon = text.indexOf(':');
    const [kind, name] = colon < 0 ? [text, ''] : [text.slice(0, colon), text.slice(colon + 1).trim()];
    switch (kind) {
      case 'sls':
        return name === 'stage' ? options.stage : undefined;
      case 'opt':
        return name === 'stage' ? options.stage : name === 'region' ? options.region : undefined;
      case 'param':
        return resolveValue(
          isRecord(stageParams) && name in stageParams ? stageParams[name] : defaultParams[name],
          depth,
        );
      case 'self':
        return resolveValue(
          name.split('.').reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), config),
          depth,
        );
      case 'env':
        return options.env?.[name];
      default:
        throw new Error(
          `serverless.yml: unsupported variable \${${text}} (the local stack resolves sls, opt, param, self, env)`,
        );
    }
  };

  const expressionValue = (expression: string, depth: number): unknown => {
    for (const candidate of splitTopLevel(expression)) {
      const value = source(candidate, depth);
      if (value !== undefined && value !== null) return value;
    }
    throw new Error(`serverless.yml: \${${expression}} has no value for stage "${options.stage}"`);
  };

  const resolveString = (text: string, depth: number): unknown => {
    if (depth > 20) throw new Error(`serverless.yml: variables nest too deep in "${text}"`);
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole?.[1] !== undefined && !isCloudFormationReference(whole[1])) {
      const value = expressionValue(whole[1], depth + 1);
      return typeof value === 'string' ? resolveString(value, depth + 1) : value;
    }
    let changed = false;
    const next = text.replace(/\$\{([^{}]+)\}/g, (match, expression: string) => {
      if (isCloudFormationReference(expression)) return match;
      changed = true;
      return String(expressionValue(expression, depth + 1));
    });
    return changed ? resolveString(next, depth + 1) : next;
  };

  const resolveValue = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return resolveString(value, depth);
    if (Array.isArray(value)) return value.map((item) => resolveValue(item, depth));
    if (isRecord(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, depth)]));
    return value;
  };

  return (value) => resolveValue(value, 0);
}

// `${AWS::Region}`, `${Bucket}`, `${Bucket.Arn}` inside !Sub are CloudFormation's, left for CloudFormation.
function isCloudFormationReference(expression: string): boolean {
  return /^\s*[A-Za-z0-9]+(::[A-Za-z0-9]+|(\.[A-Za-z0-9]+)*)\s*$/.test(expression);
}

// Commas inside quotes do not separate fallbacks.
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of expression) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

// CloudFormation short-form intrinsics, parsed into their long form ({ Ref }, { 'Fn::GetAtt': [...] }, …).
const INTRINSICS = ['Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not'];
const MORE_INTRINSICS = ['And', 'Or', 'Select', 'Split', 'Sub', 'Transform', 'ToJsonString', 'Length'];
const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': splitOnce(value, '.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (value) => ({ 'Fn::GetAtt': value.toJSON() }) },
  ...[...INTRINSICS, ...MORE_INTRINSICS].flatMap(
    (name): Array<ScalarTag | CollectionTag> => [
      { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
      { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [`Fn::${name}`]: value.toJSON() }) },
      { tag: `!${name}`, collection: 'map', resolve: (value) => ({ [`Fn::${name}`]: value.toJSON() }) },
    ],
  ),
];

function splitOnce(value: string, separator: string): string[] {
  const at = value.indexOf(separator);
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`serverless.yml: ${what} must be a mapping`);
  return value;
}
