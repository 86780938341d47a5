import { describe, expect, it } from 'vitest';
import { CachedSecrets, SECRET_CACHE_MS } from '#adapters/notify/ssm-secrets.js';
import { loadConfig } from '#runtime/config.js';

const base = { POLICY_TABLE: 'p', STATE_TABLE: 's' };

describe('secrets from Parameter Store, cached while warm', () => {
  it('reads once, shares a load in flight, refreshes after the cache period', async () => {
    let now = 0;
    const asked: string[][] = [];
    const secrets = new CachedSecrets(
      async (names) => {
        asked.push([...names]);
        return { '/remedy/dev/slack': `token-${asked.length}` };
      },
      () => now,
    );
    const provider = secrets.provider('/remedy/dev/slack');
    expect(await Promise.all([provider(), provider()])).toEqual(['token-1', 'token-1']);
    expect(await provider()).toBe('token-1');
    now += SECRET_CACHE_MS + 1;
    expect(await provider()).toBe('token-2');
    expect(asked).toHaveLength(2);
  });

  it('a missing parameter is an error naming it, and the next call tries again', async () => {
    let calls = 0;
    const secrets = new CachedSecrets(async () => {
      calls++;
      return {};
    });
    await expect(secrets.get('/remedy/dev/jira')).rejects.toThrow(
      'secret parameter /remedy/dev/jira is missing or empty',
    );
    await expect(secrets.get('/remedy/dev/jira')).rejects.toThrow();
    expect(calls).toBe(2);
  });
});

describe('notify configuration (parameter names, never tokens)', () => {
  it('none set: no sink; blank values (unset serverless params) count as unset', () => {
    expect(loadConfig(base).notify).toMatchObject({ slack: undefined, jira: undefined, grafana: undefined });
    expect(
      loadConfig({ ...base, SLACK_TOKEN_PARAMETER: '', JIRA_BASE_URL: '' }).notify.slack,
    ).toBeUndefined();
  });

  it('Slack, Jira and Grafana from their variables', () => {
    const { notify } = loadConfig({
      ...base,
      SLACK_TOKEN_PARAMETER: '/remedy/prod/slack-bot-token',
      SLACK_DEFAULT_CHANNEL: '#ops-remedy',
      JIRA_BASE_URL: 'https://example.atlassian.net',
      JIRA_EMAIL: 'remedy@example.com',
      JIRA_TOKEN_PARAMETER: '/remedy/prod/jira-api-token',
      GRAFANA_URL: 'https://grafana.example',
      GRAFANA_TOKEN_PARAMETER: '/remedy/prod/grafana-token',
    });
    expect(notify.slack).toMatchObject({
      tokenParameter: '/remedy/prod/slack-bot-token',
      defaultChannel: '#ops-remedy',
    });
    expect(notify.jira).toEqual({
      baseUrl: 'https://example.atlassian.net',
      email: 'remedy@example.com',
      tokenParameter: '/remedy/prod/jira-api-token',
    });
    expect(notify.grafana).toEqual({
      url: 'https://grafana.example',
      tokenParameter: '/remedy/prod/grafana-token',
    });
  });

  it('half a Jira or Grafana configuration is refused', () => {
    expect(() => loadConfig({ ...base, JIRA_BASE_URL: 'https://example.atlassian.net' })).toThrow(
      /JIRA_EMAIL/,
    );
    expect(() => loadConfig({ ...base, GRAFANA_URL: 'https://grafana.example' })).toThrow(
      /GRAFANA_TOKEN_PARAMETER/,
    );
  });
});
