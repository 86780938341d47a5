// The local Slack, Jira, Grafana and SSM Parameter Store behind `npm start` and the tests, with the tokens
// they accept stored in the local SSM under the names the functions are configured with.
import { randomBytes } from 'node:crypto';
import { messageToText } from '#domain/notify/render-text.js';
import { type LocalGrafana, startLocalGrafana } from './grafana-server.js';
import { type LocalJira, startLocalJira } from './jira-server.js';
import { type LocalSlack, startLocalSlack } from './slack-server.js';
import { type LocalSsm, startLocalSsm } from './ssm-server.js';

/** Parameter names as deployed (`/remedy/<stage>/…`); the local stage is `local`. */
export const localParameterNames = (stage: string) => ({
  slack: `/remedy/${stage}/slack-bot-token`,
  jira: `/remedy/${stage}/jira-api-token`,
  grafana: `/remedy/${stage}/grafana-token`,
});
export const LOCAL_JIRA_EMAIL = 'remedy@example.com';
export const LOCAL_SLACK_CHANNEL = '#ops-remedy';

export interface LocalSinks {
  slack: LocalSlack;
  jira: LocalJira;
  grafana: LocalGrafana;
  ssm: LocalSsm;
  /** The tokens (fresh random values per start): tests use them to prove none is ever logged. */
  tokens: { slack: string; jira: string; grafana: string };
  /** The functions' environment for these sinks (parameter names, never values). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const startLocalSinks = async (options: {
  stage: string;
  region: string;
  accountId: string;
  ports?: { slack?: number; jira?: number; grafana?: number; ssm?: number };
  /** Each Slack post, reply and update as readable text (the console of `npm start`). */
  print?: (text: string) => void;
}): Promise<LocalSinks> => {
  const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;
  const tokens = {
    slack: secret('xoxb-local-'),
    jira: secret('jira-local-'),
    grafana: secret('glsa_local_'),
  };
  const names = localParameterNames(options.stage);
  const started: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
  };
  try {
    const print = options.print;
    const slack = await startLocalSlack({
      ...(options.ports?.slack !== undefined ? { port: options.ports.slack } : {}),
      token: tokens.slack,
      ...(print
        ? {
            onMessage: (m, kind) =>
              print(
                `── slack ${kind} ${m.channel} ts=${m.ts}${m.threadTs ? ` (thread ${m.threadTs})` : ''}\n${messageToText(m, '   ')}`,
              ),
          }
        : {}),
    });
    started.push(slack);
    const jira = await startLocalJira({
      ...(options.ports?.jira !== undefined ? { port: options.ports.jira } : {}),
      email: LOCAL_JIRA_EMAIL,
      apiToken: tokens.jira,
    });
    started.push(jira);
    const grafana = await startLocalGrafana({
      ...(options.ports?.grafana !== undefined ? { port: options.ports.grafana } : {}),
      token: tokens.grafana,
    });
    started.push(grafana);
    const ssm = await startLocalSsm({
      ...(options.ports?.ssm !== undefined ? { port: options.ports.ssm } : {}),
      region: options.region,
      accountId: options.accountId,
      parameters: { [names.slack]: tokens.slack, [names.jira]: tokens.jira, [names.grafana]: tokens.grafana },
    });
    started.push(ssm);
    const env = {
      SSM_ENDPOINT_URL: ssm.url,
      SLACK_API_URL: slack.apiUrl,
      SLACK_TOKEN_PARAMETER: names.slack,
      SLACK_DEFAULT_CHANNEL: LOCAL_SLACK_CHANNEL,
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: LOCAL_JIRA_EMAIL,
      JIRA_TOKEN_PARAMETER: names.jira,
      GRAFANA_URL: grafana.url,
      GRAFANA_TOKEN_PARAMETER: names.grafana,
    };
    return { slack, jira, grafana, ssm, tokens, env, close };
  } catch (error) {
    await close();
    throw error;
  }
};
