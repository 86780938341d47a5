import { z } from 'zod';
import type { AwsCredentials } from '#adapters/eks/credentials.js';
import { prometheusFromEnv } from '#domain/analysis/prometheus-settings.js';
import { ConfigError, formatIssues } from '#domain/errors.js';
import { parseBudget } from '#domain/guardrails/budget.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '#domain/guardrails/scope.js';

const csv = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? [...fallback]
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(blankIsUnset, z.string().optional());
const optionalUrl = z.preprocess(blankIsUnset, z.url().optional());

const envSchema = z.object({
  POLICY_TABLE: z.string({ message: 'POLICY_TABLE is required' }).min(1, 'POLICY_TABLE is required'),
  STATE_TABLE: z.string({ message: 'STATE_TABLE is required' }).min(1, 'STATE_TABLE is required'),
  // Safe default: a deployment that forgot to choose decides and records, but touches nothing.
  REMEDY_MODE: z.enum(['dry-run', 'enforce']).default('dry-run'),
  REMEDY_PROTECTED_NAMESPACES: csv(DEFAULT_PROTECTED_NAMESPACES),
  // Actions per cluster per fixed window, across every policy: the last line of defence in an alert storm.
  REMEDY_CLUSTER_MAX_ACTIONS: z
    .string()
    .default('30/1h')
    .transform((v, ctx) => {
      try {
        return parseBudget(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  // Alerts of one notification worked on at once: bounds concurrent Kubernetes calls from one invocation.
  REMEDY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  POLICY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  // Endpoint overrides for EKS DescribeCluster and STS AssumeRole (the local stack; VPC endpoints need none).
  EKS_ENDPOINT_URL: z.url().optional(),
  STS_ENDPOINT_URL: z.url().optional(),
  // Endpoint override for the user-defined actions' SSM Automation, Step Functions and Lambda calls (local stack).
  ACTIONS_ENDPOINT_URL: z.url().optional(),
  // A fixed cluster connection (kubeconfig-style): logical name, API server, CA (base64 PEM), bearer token.
  KUBE_CLUSTER_NAME: z.string().optional(),
  KUBE_API_URL: z.url().optional(),
  KUBE_CA_DATA: z.string().optional(),
  KUBE_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Notifications (all optional; none set: decisions go to the console). Tokens are SSM parameter NAMES, never
  // values; an empty value (an unset serverless param) counts as unset.
  SLACK_API_URL: optionalUrl,
  SLACK_TOKEN_PARAMETER: optionalText,
  SLACK_DEFAULT_CHANNEL: optionalText,
  SLACK_WORKSPACE_URL: optionalUrl,
  JIRA_BASE_URL: optionalUrl,
  JIRA_EMAIL: optionalText,
  JIRA_TOKEN_PARAMETER: optionalText,
  GRAFANA_URL: optionalUrl,
  GRAFANA_TOKEN_PARAMETER: optionalText,
  SSM_ENDPOINT_URL: optionalUrl,
  // The default Prometheus for policy analysis/verify (clusters-registry entries may name their own); secrets
  // are SSM parameter NAMES. See shared/domain/analysis/prometheus-settings.ts.
  PROMETHEUS_URL: optionalUrl,
  PROMETHEUS_AUTH: z.preprocess(blankIsUnset, z.enum(['none', 'sigv4', 'basic', 'bearer']).optional()),
  PROMETHEUS_REGION: optionalText,
  PROMETHEUS_USERNAME_PARAMETER: optionalText,
  PROMETHEUS_PASSWORD_PARAMETER: optionalText,
  PROMETHEUS_TOKEN_PARAMETER: optionalText,
  // Policy `verify`: the delayed followup queue (unset: actions are remembered, never verified), an endpoint
  // override (the local stack), and a factor on every `verify.after` (local stack, e2e: 0.01 turns 5m into 3s).
  FOLLOWUP_QUEUE_URL: optionalUrl,
  SQS_ENDPOINT_URL: optionalUrl,
  REMEDY_VERIFY_DELAY_SCALE: z.coerce.number().gt(0).max(1).default(1),
});

export type Config = ReturnType<typeof loadConfig>;

/**
 * The process's own AWS credentials from the environment (Lambda sets them for the function's role), or
 * undefined: then the SDK's chain finds them. Kept out of `Config` so no secret ever sits in a logged object.
 */
export const environmentCredentials = (
  env: Record<string, string | undefined> = process.env,
): AwsCredentials | undefined => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
};

/** Reads and validates the environment once, at cold start; fails closed naming every bad variable. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error.issues)}`);
  const e = parsed.data;
  const staticCluster = [e.KUBE_CLUSTER_NAME, e.KUBE_API_URL, e.KUBE_CA_DATA, e.KUBE_TOKEN];
  if (staticCluster.some((v) => v !== undefined) && !staticCluster.every((v) => v !== undefined)) {
    throw new ConfigError(
      'a static cluster needs all of KUBE_CLUSTER_NAME, KUBE_API_URL, KUBE_CA_DATA and KUBE_TOKEN',
    );
  }
  const jira = [e.JIRA_BASE_URL, e.JIRA_EMAIL, e.JIRA_TOKEN_PARAMETER];
  if (jira.some((v) => v !== undefined) && !jira.every((v) => v !== undefined))
    throw new ConfigError('Jira needs all of JIRA_BASE_URL, JIRA_EMAIL and JIRA_TOKEN_PARAMETER');
  if ((e.GRAFANA_URL === undefined) !== (e.GRAFANA_TOKEN_PARAMETER === undefined))
    throw new ConfigError('Grafana needs both GRAFANA_URL and GRAFANA_TOKEN_PARAMETER');
  return {
    policyTable: e.POLICY_TABLE,
    stateTable: e.STATE_TABLE,
    mode: e.REMEDY_MODE,
    protectedNamespaces: e.REMEDY_PROTECTED_NAMESPACES,
    clusterBudget: e.REMEDY_CLUSTER_MAX_ACTIONS,
    concurrency: e.REMEDY_CONCURRENCY,
    policyCacheSeconds: e.POLICY_CACHE_SECONDS,
    region: e.AWS_REGION,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    eksEndpoint: e.EKS_ENDPOINT_URL,
    stsEndpoint: e.STS_ENDPOINT_URL,
    actionsEndpoint: e.ACTIONS_ENDPOINT_URL,
    prometheus: prometheusFromEnv(e),
    followup: {
      queueUrl: e.FOLLOWUP_QUEUE_URL,
      endpoint: e.SQS_ENDPOINT_URL,
      delayScale: e.REMEDY_VERIFY_DELAY_SCALE,
    },
    logLevel: e.LOG_LEVEL,
    notify: {
      region: e.AWS_REGION,
      ssmEndpoint: e.SSM_ENDPOINT_URL,
      slack: e.SLACK_TOKEN_PARAMETER
        ? {
            apiUrl: e.SLACK_API_URL,
            tokenParameter: e.SLACK_TOKEN_PARAMETER,
            defaultChannel: e.SLACK_DEFAULT_CHANNEL,
            workspaceUrl: e.SLACK_WORKSPACE_URL,
          }
        : undefined,
      jira:
        e.JIRA_BASE_URL && e.JIRA_EMAIL && e.JIRA_TOKEN_PARAMETER
          ? { baseUrl: e.JIRA_BASE_URL, email: e.JIRA_EMAIL, tokenParameter: e.JIRA_TOKEN_PARAMETER }
          : undefined,
      grafana:
        e.GRAFANA_URL && e.GRAFANA_TOKEN_PARAMETER
          ? { url: e.GRAFANA_URL, tokenParameter: e.GRAFANA_TOKEN_PARAMETER }
          : undefined,
    },
    staticClusters:
      e.KUBE_CLUSTER_NAME && e.KUBE_API_URL && e.KUBE_CA_DATA && e.KUBE_TOKEN
        ? {
            [e.KUBE_CLUSTER_NAME]: {
              server: e.KUBE_API_URL,
              caData: e.KUBE_CA_DATA,
              token: staticToken(e.KUBE_TOKEN),
            },
          }
        : {},
  };
};

const staticToken = (token: string) => () => token;

// ── ingest (functions/ingest.ts): its own small schema, so the webhook function needs no table or cluster ──
const ingestEnvSchema = z.object({
  ALERTS_TOPIC_ARN: z
    .string({ message: 'ALERTS_TOPIC_ARN is required' })
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
      'ALERTS_TOPIC_ARN must be an SNS topic ARN',
    ),
  // A full path: the template scopes the role's ssm:GetParameter to exactly `parameter<path>`.
  INGEST_TOKEN_PARAMETER: z
    .string({ message: 'INGEST_TOKEN_PARAMETER is required' })
    .regex(/^\/[a-zA-Z0-9_.\-/]+$/, 'INGEST_TOKEN_PARAMETER must be an SSM parameter path starting with "/"'),
  // Above SNS's 256 KiB on purpose: a bigger notification is split by alerts, not refused.
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(6 * 1024 * 1024)
    .default(1024 * 1024),
  AWS_REGION: z.string().default('us-east-1'),
  SNS_ENDPOINT_URL: optionalUrl,
  SSM_ENDPOINT_URL: optionalUrl,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

/** The ingest function's configuration, read once at cold start; fails closed naming every bad variable. */
export const loadIngestConfig = (env: Record<string, string | undefined> = process.env) => {
  const parsed = ingestEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error.issues)}`);
  const e = parsed.data;
  return {
    topicArn: e.ALERTS_TOPIC_ARN,
    tokenParameter: e.INGEST_TOKEN_PARAMETER,
    maxBodyBytes: e.INGEST_MAX_BODY_BYTES,
    region: e.AWS_REGION,
    snsEndpoint: e.SNS_ENDPOINT_URL,
    ssmEndpoint: e.SSM_ENDPOINT_URL,
    logLevel: e.LOG_LEVEL,
  };
};
