// The ingest function in the local stack: served on a local Function URL, publishing to the local SNS
// endpoint, its bearer token a fresh random value in the local SSM Parameter Store (as deployed: a SecureString
// whose name serverless.yml gives the function).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/local-account.js';
import { loadHandler } from '../lambda/load-handler.js';
import { cfnTags } from '../tables.js';
import { type FunctionUrlServer, startFunctionUrlServer } from './function-url-server.js';

export interface LocalIngestOptions {
  root: string;
  stage: string;
  topicArn: string;
  snsEndpoint: string;
  /** The local SSM Parameter Store's parameters and URL. */
  ssm: { url: string; parameters: Map<string, string> };
  /** Where alertmanager-webhook.yml (the example, pointed here) is written. */
  stateDir: string;
  port?: number;
  log?: (line: string) => void;
}

export interface LocalIngest {
  server: FunctionUrlServer;
  /** Where Alertmanager's webhook_configs posts. */
  url: string;
  token: string;
  tokenParameter: string;
  /** infra/alertmanager/alertmanager-webhook.yml with this URL and token. */
  alertmanagerConfig: string;
}

/** The shipped webhook example pointed at a local ingest URL, the token inline (a local, throwaway one). */
export function localWebhookConfig(exampleYaml: string, options: { url: string; token: string }): string {
  const config = parse(exampleYaml) as {
    route?: Record<string, unknown>;
    receivers?: Array<{ webhook_configs?: Array<Record<string, unknown>> }>;
  };
  const hook = config.receivers?.[0]?.webhook_configs?.[0];
  if (!hook) throw new Error('the webhook example has no webhook_configs');
  hook.url = options.url;
  hook.http_config = { authorization: { type: 'Bearer', credentials: options.token } };
  // Short waits so a test alert shows up in seconds.
  config.route = { ...config.route, group_wait: '5s', group_interval: '30s' };
  return stringify(config);
}

/** The `ingest` function of serverless.yml: its handler, and that it has a Function URL. */
export async function readIngestFunction(root: string): Promise<{ file: string; export: string }> {
  const doc = parse(await readFile(join(root, 'serverless.yml'), 'utf8'), { customTags: cfnTags }) as {
    functions?: Record<string, { handler?: string; url?: unknown }>;
  };
  const ingest = doc.functions?.ingest;
  if (!ingest?.handler || !ingest.url) throw new Error('serverless.yml has no ingest function with a url');
  const dot = ingest.handler.lastIndexOf('.');
  return { file: ingest.handler.slice(0, dot), export: ingest.handler.slice(dot + 1) };
}

export async function startLocalIngest(options: LocalIngestOptions): Promise<LocalIngest> {
  const tokenParameter = `/remedy/${options.stage}/ingest-token`;
  const token = randomBytes(24).toString('base64url');
  options.ssm.parameters.set(tokenParameter, token);
  // Read by the handler at cold start (loadIngestConfig), as Lambda sets them from serverless.yml.
  Object.assign(process.env, {
    ALERTS_TOPIC_ARN: options.topicArn,
    INGEST_TOKEN_PARAMETER: tokenParameter,
    SNS_ENDPOINT_URL: options.snsEndpoint,
    SSM_ENDPOINT_URL: options.ssm.url,
  });
  const handler = await loadHandler(options.root, await readIngestFunction(options.root));
  const server = await startFunctionUrlServer({
    handler,
    identity: {
      functionName: `remedy-${options.stage}-ingest`,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      memorySize: 256,
      timeout: 15,
    },
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const alertmanagerConfig = join(options.stateDir, 'alertmanager-webhook.yml');
  const example = await readFile(join(options.root, 'infra/alertmanager/alertmanager-webhook.yml'), 'utf8');
  await writeFile(alertmanagerConfig, localWebhookConfig(example, { url: server.url, token }));
  return { server, url: server.url, token, tokenParameter, alertmanagerConfig };
}
