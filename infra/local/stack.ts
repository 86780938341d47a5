// The local stack behind `npm start` (and the end-to-end tests): DynamoDB Local with the deployed tables and
// the example policies, a sandbox Kubernetes API (unless a kubeconfig is given), the local SNS endpoint, and the
// functions subscribed to it exactly as serverless.yml wires them.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoClusterRegistry } from '#adapters/dynamodb/cluster-registry.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { validatePolicies } from '#app/apply-policies.js';
import { LOCAL_ACTION_RESOURCES } from './aws/action-services.js';
import { type AwsEndpoint, startAwsEndpoint } from './aws/aws-endpoint.js';
import { createEksTokenAuthenticator } from './aws/eks-token-verifier.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from './aws/local-account.js';
import { type DynamoDbLocal, localDocumentClient, startDynamoDbLocal } from './dynamodb-local.js';
import { type LocalIngest, startLocalIngest } from './function-url/local-ingest.js';
import { readKubeconfig } from './kubeconfig.js';
import type { OnFailureRecord } from './lambda/invoke-async.js';
import { subscribeFunctions } from './lambda/subscribe-functions.js';
import { loadPlatformFile, readPolicyFiles } from './policies.js';
import { setUpLocalPrometheus } from './prometheus/stack-prometheus.js';
import { type LocalQueues, startLocalQueues } from './queue/start-queues.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { LOCAL_STAGE, readSnsWiring } from './serverless-wiring.js';
import { type LocalSinks, startLocalSinks } from './sinks/index.js';
import { EXAMPLE_ALERTMANAGER_CONFIG, localAlertmanagerConfig } from './sns/alertmanager-config.js';
import { type SnsEndpoint, startSnsEndpoint } from './sns/sns-endpoint.js';
import { createTables } from './tables.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Fixed default ports, so an Alertmanager config written once keeps working across restarts. */
export const DEFAULT_PORTS = {
  dynamodb: 8000,
  sns: 4002,
  aws: 4003,
  kube: 6443,
  // Local Slack, Jira, Grafana, SSM: any free port (0), as nothing outside is configured with them; their
  // URLs are in .remedy/local.json. Parallel stacks (the e2e tests) never collide on them.
  slack: 0,
  jira: 0,
  grafana: 0,
  ssm: 0,
  // The ingest function's Function URL: a free port too; .remedy/alertmanager-webhook.yml has the actual URL.
  ingest: 0,
  // Prometheus (when installed) scraping the sandbox: a free port too; local.json names it (prometheus.endpoint).
  prometheus: 0,
} as const;
/** Logical cluster name the example policies default to; the sandbox is registered as an EKS cluster of this name. */
export const SANDBOX_CLUSTER = 'sandbox';
/** A second registry entry for the same sandbox, reached through AssumeRole as a cluster in another account is. */
export const SANDBOX_CROSS_ACCOUNT = {
  name: 'sandbox-cross-account',
  roleArn: 'arn:aws:iam::210987654321:role/remedy-responder',
};

export interface LocalStackOptions {
  /** Where state files go (local.json, kubeconfig, CA, dead letters); default <root>/.remedy. */
  stateDir?: string;
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Use an already running DynamoDB (tests share one) instead of starting DynamoDB Local. */
  dynamodbEndpoint?: string;
  /** A real cluster instead of the sandbox. */
  kubeconfig?: string;
  /** Table name suffix, so several stacks can share one DynamoDB. */
  tableSuffix?: string;
  mode?: 'enforce' | 'dry-run';
  policyDir?: string;
  /** The platform layer file; default infra/platform/platform.yaml with the example policies, none with a policyDir. */
  platformFile?: string;
  /** Waits before Lambda's async retries; default a few hundred ms (Lambda waits minutes). */
  retryDelaysMs?: readonly number[];
  /** Factor on every policy's `verify.after` (default: REMEDY_VERIFY_DELAY_SCALE, else 1). */
  verifyDelayScale?: number;
  log?: (line: string) => void;
}

export interface LocalStack {
  sns: SnsEndpoint;
  topicArn: string;
  dynamodbEndpoint: string;
  tables: { policies: string; state: string };
  sandbox: Sandbox | undefined;
  /** The local EKS/STS endpoint (absent when a real kubeconfig is used). */
  aws: AwsEndpoint | undefined;
  kubeconfig: string;
  localJson: string;
  alertmanagerConfig: string;
  deadLetters: OnFailureRecord[];
  /** Local Slack, Jira, Grafana and SSM Parameter Store the functions notify through. */
  sinks: LocalSinks;
  /** The ingest function on a local Function URL (webhook → the SNS endpoint), with its bearer token. */
  ingest: LocalIngest;
  /** The Prometheus policy analysis queries (ours or PROMETHEUS_URL); undefined when none is installed. */
  prometheusUrl: string | undefined;
  /** The local SQS endpoint with the followup queue (DelaySeconds, batches, redelivery). */
  queues: LocalQueues;
  close(): Promise<void>;
}

/** Starts every piece, in dependency order; on any failure stops what already started. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const log = options.log ?? (() => {});
  const stateDir = resolve(options.stateDir ?? join(ROOT, '.remedy'));
  await mkdir(stateDir, { recursive: true });
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let ddb: DynamoDbLocal | undefined;
    if (!options.dynamodbEndpoint) {
      log(`starting DynamoDB Local on 127.0.0.1:${ports.dynamodb} …`);
      ddb = await startDynamoDbLocal(ports.dynamodb);
      stops.push(ddb.stop);
    }
    const dynamodbEndpoint = options.dynamodbEndpoint ?? ddb?.endpoint ?? '';
    const suffix = options.tableSuffix ?? LOCAL_STAGE;
    const tables = { policies: `remedy-policies-${suffix}`, state: `remedy-state-${suffix}` };
    const policyCount = await prepareTables(
      dynamodbEndpoint,
      tables,
      options.policyDir ?? join(ROOT, 'infra/policies'),
      options.platformFile ??
        (options.policyDir === undefined ? join(ROOT, 'infra/platform/platform.yaml') : undefined),
    );
    log(`tables ${tables.policies}, ${tables.state} ready; ${policyCount} policies loaded`);

    let sandbox: Sandbox | undefined;
    let aws: AwsEndpoint | undefined;
    let kubeconfig: string;
    // The functions read their configuration from the environment at cold start, as in Lambda.
    const env: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POLICY_TABLE: tables.policies,
      STATE_TABLE: tables.state,
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      REMEDY_MODE: options.mode ?? 'enforce',
    };
    for (const key of [
      'KUBE_CLUSTER_NAME',
      'KUBE_API_URL',
      'KUBE_CA_DATA',
      'KUBE_TOKEN',
      'EKS_ENDPOINT_URL',
      'STS_ENDPOINT_URL',
      'ACTIONS_ENDPOINT_URL',
    ]) {
      delete process.env[key];
    }
    if (options.kubeconfig) {
      kubeconfig = resolve(options.kubeconfig);
      const cluster = await readKubeconfig(kubeconfig);
      Object.assign(env, {
        KUBE_CLUSTER_NAME: SANDBOX_CLUSTER,
        KUBE_API_URL: cluster.server,
        KUBE_CA_DATA: cluster.caData,
        KUBE_TOKEN: cluster.token,
      });
      log(`using the cluster of ${kubeconfig} (${cluster.server}) as "${SANDBOX_CLUSTER}"`);
    } else {
      // The sandbox is reached exactly as an EKS cluster is: registry → DescribeCluster → STS-presigned token.
      aws = await startAwsEndpoint({
        port: ports.aws,
        region: LOCAL_REGION,
        credentials: { ...LOCAL_CREDENTIALS },
        roles: [{ arn: SANDBOX_CROSS_ACCOUNT.roleArn }],
        actions: LOCAL_ACTION_RESOURCES,
      });
      stops.push(aws.close);
      const lookup = aws.lookup;
      sandbox = await startSandbox({
        dir: join(stateDir, 'sandbox'),
        port: ports.kube,
        authenticate: createEksTokenAuthenticator({
          clusterName: SANDBOX_CLUSTER,
          region: LOCAL_REGION,
          lookup,
          onRefusal: (refusal) => log(`sandbox refused an EKS token: ${refusal.message}`),
        }),
      });
      stops.push(sandbox.close);
      aws.addCluster({ name: SANDBOX_CLUSTER, endpoint: sandbox.url, caData: sandbox.caData });
      await registerClusters(dynamodbEndpoint, tables.policies);
      kubeconfig = sandbox.kubeconfigPath;
      // SSM Automation, Step Functions and Lambda for the user-defined actions: the same endpoint.
      Object.assign(env, {
        EKS_ENDPOINT_URL: aws.url,
        STS_ENDPOINT_URL: aws.url,
        ACTIONS_ENDPOINT_URL: aws.url,
      });
      log(
        `sandbox Kubernetes API at ${sandbox.url} (namespace demo, deployment web), registered as EKS cluster "${SANDBOX_CLUSTER}"`,
      );
      log(`local EKS/STS endpoint at ${aws.url}`);
    }
    // Policy analysis: the user's PROMETHEUS_URL, else the machine's Prometheus scraping the sandbox.
    const prometheus = await setUpLocalPrometheus({
      stateDir,
      cluster: SANDBOX_CLUSTER,
      sandbox,
      aws,
      registry: { endpoint: dynamodbEndpoint, table: tables.policies },
      port: ports.prometheus,
      log,
    });
    stops.push(prometheus.stop);
    Object.assign(env, prometheus.env);
    // Local Slack, Jira and Grafana (and SSM holding their tokens): the functions notify exactly as deployed.
    const sinks = await startLocalSinks({
      stage: LOCAL_STAGE,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      ports: { slack: ports.slack, jira: ports.jira, grafana: ports.grafana, ssm: ports.ssm },
      print: (text) => log(`\n${text}`),
    });
    stops.push(sinks.close);
    Object.assign(env, sinks.env);
    log(
      `local Slack ${sinks.slack.url}, Jira ${sinks.jira.url}, Grafana ${sinks.grafana.url}, SSM ${sinks.ssm.url}`,
    );
    // The followup queue (policy `verify`): its URL must be in the environment before the handlers load.
    const queues = await startLocalQueues({
      root: ROOT,
      stateDir,
      verifyDelayScale: options.verifyDelayScale,
      log,
    });
    stops.push(queues.close);
    Object.assign(env, queues.env);
    Object.assign(process.env, env);

    const wiring = await readSnsWiring(join(ROOT, 'serverless.yml'), { region: LOCAL_REGION });
    const sns = await startSnsEndpoint({
      port: ports.sns,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      topics: [...new Set(wiring.map((w) => w.topicName))],
    });
    stops.push(sns.close);
    const deadLetters: OnFailureRecord[] = [];
    const deadLetterFile = join(stateDir, 'dead-letters.jsonl');
    await subscribeFunctions(sns, wiring, {
      root: ROOT,
      retryDelaysMs: options.retryDelaysMs ?? [200, 400],
      onFailure: async (record) => {
        deadLetters.push(record);
        await appendFile(deadLetterFile, `${JSON.stringify(record)}\n`);
        log(`on-failure destination: ${record.responsePayload.errorMessage} (kept in ${deadLetterFile})`);
      },
    });
    await queues.subscribe();
    const firstTopic = wiring[0]?.topicName;
    if (!firstTopic) throw new Error('serverless.yml subscribes no function to an SNS topic');
    const topicArn = sns.topicArn(firstTopic);
    log(`SNS endpoint ${sns.url}: ${wiring.map((w) => `${w.functionName} ← ${w.topicName}`).join(', ')}`);
    // Webhook ingest (Function URL) → the same topic; its token in the local SSM, as deployed.
    const ingest = await startLocalIngest({
      root: ROOT,
      stage: LOCAL_STAGE,
      topicArn,
      snsEndpoint: sns.url,
      ssm: sinks.ssm,
      stateDir,
      port: ports.ingest,
      log,
    });
    stops.push(ingest.server.close);
    log(
      `ingest Function URL ${ingest.url} (Bearer token in local.json; config ${ingest.alertmanagerConfig})`,
    );

    const alertmanagerConfig = join(stateDir, 'alertmanager.yml');
    await writeFile(
      alertmanagerConfig,
      localAlertmanagerConfig(await readFile(EXAMPLE_ALERTMANAGER_CONFIG, 'utf8'), {
        snsUrl: sns.url,
        topicArn,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const localJson = join(stateDir, 'local.json');
    await writeFile(
      localJson,
      `${JSON.stringify(
        {
          sns: {
            endpoint: sns.url,
            topicArn,
            region: LOCAL_REGION,
            accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
            secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
          },
          dynamodb: { endpoint: dynamodbEndpoint, policyTable: tables.policies, stateTable: tables.state },
          kubeconfig,
          ...(aws ? { aws: { endpoint: aws.url, eksCluster: SANDBOX_CLUSTER } } : {}),
          alertmanagerConfig,
          // What remedy posted: GET <endpoint>/_local/requests on each (method, path, body, time, ts/key/id).
          slack: {
            endpoint: sinks.slack.url,
            apiUrl: sinks.slack.apiUrl,
            channel: sinks.env.SLACK_DEFAULT_CHANNEL,
          },
          jira: { endpoint: sinks.jira.url, email: sinks.env.JIRA_EMAIL },
          grafana: { endpoint: sinks.grafana.url },
          ssm: {
            endpoint: sinks.ssm.url,
            parameters: [
              sinks.env.SLACK_TOKEN_PARAMETER,
              sinks.env.JIRA_TOKEN_PARAMETER,
              sinks.env.GRAFANA_TOKEN_PARAMETER,
            ],
          },
          ingest: {
            url: ingest.url,
            token: ingest.token,
            tokenParameter: ingest.tokenParameter,
            alertmanagerConfig: ingest.alertmanagerConfig,
          },
          ...(prometheus.localJson ? { prometheus: prometheus.localJson } : {}),
          sqs: queues.localJson,
          mode: options.mode ?? 'enforce',
        },
        null,
        2,
      )}\n`,
    );
    return {
      sns,
      topicArn,
      dynamodbEndpoint,
      tables,
      sandbox,
      aws,
      kubeconfig,
      localJson,
      alertmanagerConfig,
      deadLetters,
      sinks,
      ingest,
      prometheusUrl: prometheus.url,
      queues,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};

/** Creates the tables (deployed schema) and loads the example policies, refusing an invalid set. */
const prepareTables = async (
  endpoint: string,
  tables: { policies: string; state: string },
  policyDir: string,
  platformFile: string | undefined,
): Promise<number> => {
  // A copy: the SDK annotates the credentials object it is given.
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  const doc = localDocumentClient(endpoint);
  try {
    await createTables(client, { PoliciesTable: tables.policies, StateTable: tables.state });
    // The platform layer first: the policies are checked against it, as `policy apply` does.
    const platform =
      platformFile === undefined ? undefined : await loadPlatformFile(doc, tables.policies, platformFile);
    const validation = validatePolicies(readPolicyFiles(policyDir), platform);
    if (!validation.ok)
      throw new Error(`invalid policies in ${policyDir}:\n  ${validation.problems.join('\n  ')}`);
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    const store = new DynamoPolicyStore(
      doc,
      tables.policies,
      { logger: silent, metrics: { count: () => {} }, now: Date.now },
      0,
    );
    const at = new Date().toISOString();
    for (const { input } of validation.policies) await store.put(input, at);
    return validation.policies.length;
  } finally {
    client.destroy();
    doc.destroy();
  }
};

/** Registers the sandbox in the clusters registry: directly, and as a cross-account cluster behind a role. */
const registerClusters = async (endpoint: string, policyTable: string): Promise<void> => {
  const client = localDocumentClient(endpoint);
  try {
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    const registry = new DynamoClusterRegistry(client, policyTable, {
      logger: silent,
      metrics: { count: () => {} },
      now: Date.now,
    });
    const at = new Date().toISOString();
    const sandbox = { eksClusterName: SANDBOX_CLUSTER, region: LOCAL_REGION };
    await registry.put({ name: SANDBOX_CLUSTER, ...sandbox, description: 'the local sandbox API' }, at);
    await registry.put(
      {
        name: SANDBOX_CROSS_ACCOUNT.name,
        ...sandbox,
        roleArn: SANDBOX_CROSS_ACCOUNT.roleArn,
        description: 'the sandbox, through AssumeRole',
      },
      at,
    );
  } finally {
    client.destroy();
  }
};
