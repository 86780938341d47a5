import { GetCommand } from '#adapters/dynamodb/client/document-client.js';
import { buildNotifier, type NotifyConfig } from '#adapters/notify/build-notifier.js';
import { ConsoleNotifier } from '#adapters/notify/console-notifier.js';
import type { Notifier } from '#domain/ports.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { type LocalSinks, startLocalSinks } from '../../../infra/local/sinks/index.js';
import type { TestTables } from '../../support/dynamodb.js';
import { crashLoopPolicy, notification } from '../../support/remedy.js';

/** The local Slack, Jira, Grafana and SSM on free ports. */
export const startSinks = (): Promise<LocalSinks> =>
  startLocalSinks({ stage: 'test', region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });

/** The notify config the functions would read from their environment, pointed at the local sinks. */
export const notifyConfig = (sinks: LocalSinks): NotifyConfig => ({
  region: LOCAL_REGION,
  ssmEndpoint: sinks.env.SSM_ENDPOINT_URL,
  slack: {
    apiUrl: sinks.env.SLACK_API_URL,
    tokenParameter: sinks.env.SLACK_TOKEN_PARAMETER ?? '',
    defaultChannel: '#ops-remedy',
    workspaceUrl: 'https://example.slack.com',
  },
  jira: {
    baseUrl: sinks.jira.url,
    email: sinks.env.JIRA_EMAIL ?? '',
    tokenParameter: sinks.env.JIRA_TOKEN_PARAMETER ?? '',
  },
  grafana: { url: sinks.grafana.url, tokenParameter: sinks.env.GRAFANA_TOKEN_PARAMETER ?? '' },
});

/** A factory for startRemedy: the real lifecycle notifier, its state in the harness's state table. */
export const realNotifier =
  (sinks: LocalSinks) =>
  (tables: TestTables): Notifier =>
    buildNotifier(notifyConfig(sinks), {
      doc: tables.doc,
      stateTable: tables.stateTable,
      fallback: new ConsoleNotifier(() => {}),
      // SSM is read with the local credentials, as the function reads it with its role's.
      credentials: async () => LOCAL_CREDENTIALS,
    });

/** The crash-loop policy with team notify settings: channel, template, ticket on failure, Grafana. */
export const notifyingPolicy = {
  ...crashLoopPolicy,
  notify: {
    slack: {
      channel: '#team-web',
      template: {
        title: '{{alertname}} on {{labels.namespace}}/{{labels.pod}}',
        fields: [{ label: 'Team', value: '{{labels.team}}' }],
        mentions: ['<!subteam^S0ONCALL>'],
      },
    },
    ticket: {
      jira: { project: 'OPS', issueType: 'Incident', transitionOnResolve: 'Done' },
      when: 'onFailure',
    },
    grafana: { dashboardUID: 'remedy-web', tags: ['team-web'] },
  },
};

/** An SNS record for one Alertmanager notification of the group named by `group` (its group labels). */
export const groupMessage = (
  group: string,
  alerts: Parameters<typeof notification>[0],
  annotations: Record<string, string> = {},
) => {
  const body = notification(alerts);
  return {
    MessageId: crypto.randomUUID(),
    Message: JSON.stringify({
      ...body,
      groupLabels: { alertname: 'KubePodCrashLooping', test_case: group },
      alerts: body.alerts.map((a) => ({
        ...a,
        annotations: { ...a.annotations, runbook_url: 'https://runbooks.example/crashloop', ...annotations },
        labels: { team: 'web', ...a.labels },
      })),
    }),
    MessageAttributes: {},
  };
};

/** An item of the state table, read consistently. */
export const stateItem = async (tables: TestTables, pk: string, sk: string) =>
  (
    await tables.doc.send(
      new GetCommand({ TableName: tables.stateTable, Key: { pk, sk }, ConsistentRead: true }),
    )
  ).Item;
