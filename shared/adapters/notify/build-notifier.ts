import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { GrafanaAnnotations } from '#adapters/grafana/grafana-annotations.js';
import { SlackWebApi } from '#adapters/slack/slack-web-api.js';
import { JiraCloud } from '#adapters/tickets/jira-cloud.js';
import type { Notifier } from '#domain/ports.js';
import type { CredentialProvider } from '../eks/credentials.js';
import { DynamoNotifyState } from './dynamo-notify-state.js';
import { LifecycleNotifier } from './lifecycle-notifier.js';
import { CachedSecrets, type ParameterReader, ssmParameterReader } from './ssm-secrets.js';

/** Where the notifier delivers; tokens are named by SSM parameter, never given as values. */
export interface NotifyConfig {
  region: string;
  /** SSM endpoint override (the local stack). */
  ssmEndpoint?: string | undefined;
  slack?:
    | {
        apiUrl?: string | undefined;
        tokenParameter: string;
        defaultChannel?: string | undefined;
        workspaceUrl?: string | undefined;
      }
    | undefined;
  jira?: { baseUrl: string; email: string; tokenParameter: string } | undefined;
  grafana?: { url: string; tokenParameter: string } | undefined;
}

/** The lifecycle notifier when any sink is configured, else `fallback` (the console). Built once per container. */
export const buildNotifier = (
  config: NotifyConfig,
  deps: {
    doc: DocumentClient;
    stateTable: string;
    fallback: Notifier;
    /** For SSM (the function's role); tests pass fixed ones. */
    credentials: CredentialProvider;
    readParameters?: ParameterReader;
  },
): Notifier => {
  const { slack, jira, grafana } = config;
  if (!slack && !jira && !grafana) return deps.fallback;
  const secrets = new CachedSecrets(
    deps.readParameters ??
      ssmParameterReader({
        region: config.region,
        ...(config.ssmEndpoint ? { endpoint: config.ssmEndpoint } : {}),
        credentials: deps.credentials,
      }),
  );
  return new LifecycleNotifier({
    state: new DynamoNotifyState(deps.doc, deps.stateTable),
    ...(slack
      ? {
          slack: {
            api: new SlackWebApi({
              ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
              token: secrets.provider(slack.tokenParameter),
            }),
            ...(slack.defaultChannel ? { defaultChannel: slack.defaultChannel } : {}),
            ...(slack.workspaceUrl ? { workspaceUrl: slack.workspaceUrl } : {}),
          },
        }
      : {}),
    ...(jira
      ? {
          tickets: new JiraCloud({
            baseUrl: jira.baseUrl,
            email: jira.email,
            apiToken: secrets.provider(jira.tokenParameter),
          }),
        }
      : {}),
    ...(grafana
      ? {
          grafana: {
            api: new GrafanaAnnotations({
              url: grafana.url,
              token: secrets.provider(grafana.tokenParameter),
            }),
            url: grafana.url,
          },
        }
      : {}),
  });
};
