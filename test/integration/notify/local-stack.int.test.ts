import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../infra/local/stack.js';
import { publish } from '../../support/sns-publish.js';

const waitUntil = async (check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('npm start: the functions notify the local Slack, Jira and Grafana through the deployed wiring', () => {
  let stack: LocalStack;
  const console: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      stateDir: mkdtempSync(join(tmpdir(), 'remedy-notify-')),
      ports: { sns: 0, kube: 0, aws: 0 },
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableSuffix: randomUUID().slice(0, 8),
      log: (line) => console.push(line),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a firing then resolved alert: one Slack thread, readable on the console; local.json names the servers', async () => {
    // Prepare
    const local = JSON.parse(readFileSync(stack.localJson, 'utf8'));
    expect(local).toMatchObject({
      slack: { endpoint: stack.sinks.slack.url },
      jira: { endpoint: stack.sinks.jira.url },
      grafana: { endpoint: stack.sinks.grafana.url },
    });
    const pod = stack.sandbox?.store.list('pods', 'demo')[0]?.metadata.name ?? '';
    const alert = (status: 'firing' | 'resolved') => ({
      status,
      labels: { alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'demo', pod },
      annotations: { summary: `Pod demo/${pod} is crash looping.` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.local/graph',
      fingerprint: randomBytes(8).toString('hex'),
    });
    const firing = alert('firing');
    const send = async (a: ReturnType<typeof alert>) => {
      const message = JSON.stringify({
        version: '4',
        receiver: 'remedy',
        status: a.status,
        alerts: [a],
        groupLabels: { alertname: 'KubePodCrashLooping', pod },
        commonLabels: {},
        commonAnnotations: {},
        externalURL: '',
      });
      const res = await publish(stack.sns.url, {
        topicArn: stack.topicArn,
        message,
        attributes: { severity: 'warning' },
      });
      expect(res.status).toBe(200);
    };
    const requests = async () =>
      (await (await fetch(`${local.slack.endpoint}/_local/requests`)).json()) as Array<{
        path: string;
        answer?: string;
      }>;
    // Act
    await send(firing);
    await waitUntil(async () => (await requests()).length >= 1);
    await send({ ...firing, status: 'resolved', endsAt: new Date().toISOString() });
    await waitUntil(async () => (await requests()).length >= 3);
    // Assess: posted once, then updated and replied to, as `GET /_local/requests` shows anyone.
    expect((await requests()).map((r) => r.path)).toEqual([
      '/api/chat.postMessage',
      '/api/chat.update',
      '/api/chat.postMessage',
    ]);
    const text = console.join('\n');
    expect(text).toContain('── slack post');
    expect(text).toContain(`✅ ACTED · KubePodCrashLooping`);
    expect(text).toContain('── slack reply');
    expect(stack.sinks.grafana.annotations).toHaveLength(1);
    for (const token of Object.values(stack.sinks.tokens)) expect(text).not.toContain(token);
  });
});
