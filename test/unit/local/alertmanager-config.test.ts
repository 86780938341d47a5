import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { readSnsWiring } from '../../../infra/local/serverless-wiring.js';
import {
  EXAMPLE_ALERTMANAGER_CONFIG,
  localAlertmanagerConfig,
  snsConfigsOf,
} from '../../../infra/local/sns/alertmanager-config.js';

const read = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../infra/alertmanager/${name}`, import.meta.url)), 'utf8');
const example = read('alertmanager.yml');
const templated = (entry: Record<string, unknown> | undefined) => ({
  subject: entry?.subject,
  message: entry?.message,
  attributes: entry?.attributes,
  send_resolved: entry?.send_resolved,
});

describe('localAlertmanagerConfig', () => {
  it('points the shipped example at the local endpoint and keeps its templates and attributes', () => {
    // Act
    const local = localAlertmanagerConfig(example, {
      snsUrl: 'http://127.0.0.1:45678/',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:remedy-alerts-local',
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      groupWait: '1s',
      groupInterval: '1s',
    });
    // Assess
    const config = parse(local);
    const [sns] = snsConfigsOf(local);
    expect(sns).toMatchObject({
      api_url: 'http://127.0.0.1:45678/',
      topic_arn: 'arn:aws:sns:us-east-1:123456789012:remedy-alerts-local',
      sigv4: {
        region: 'us-east-1',
        access_key: LOCAL_CREDENTIALS.accessKeyId,
        secret_key: LOCAL_CREDENTIALS.secretAccessKey,
      },
    });
    expect(templated(sns)).toEqual(templated(snsConfigsOf(example)[0]));
    expect(config.route).toMatchObject({
      group_wait: '1s',
      group_interval: '1s',
      group_by: ['alertname', 'cluster', 'namespace'],
    });
    expect(config.templates).toHaveLength(1);
    expect(existsSync(config.templates[0])).toBe(true);
    expect(config.templates[0]).toMatch(/infra\/alertmanager\/remedy\.tmpl$/);
  });
});

describe('infra/alertmanager examples', () => {
  it('gives every attribute a non-empty default, as SNS refuses empty values', () => {
    const [sns] = snsConfigsOf(example);
    const attributes = sns?.attributes as Record<string, string>;
    expect(Object.keys(attributes).sort()).toEqual(['alertname', 'cluster', 'severity', 'status']);
    for (const [name, template] of Object.entries(attributes)) {
      if (name === 'status') expect(template).toBe('{{ .Status }}');
      else expect(template).toMatch(new RegExp(`^\\{\\{ or \\.CommonLabels\\.${name} "[a-z]+" \\}\\}$`));
    }
  });

  it('alertmanager.local.yml matches alertmanager.yml and the local stack (port 4002, credentials, topic)', async () => {
    const local = read('alertmanager.local.yml');
    const [sns] = snsConfigsOf(local);
    const [remediate] = await readSnsWiring(
      fileURLToPath(new URL('../../../serverless.yml', import.meta.url)),
    );
    expect(templated(sns)).toEqual(templated(snsConfigsOf(example)[0]));
    expect(sns).toMatchObject({
      api_url: 'http://127.0.0.1:4002/',
      topic_arn: `arn:aws:sns:us-east-1:123456789012:${remediate?.topicName}`,
      sigv4: { access_key: LOCAL_CREDENTIALS.accessKeyId, secret_key: LOCAL_CREDENTIALS.secretAccessKey },
    });
  });

  it('keeps the commented Amazon Managed Prometheus variant in step, without api_url', () => {
    // Prepare: the commented block from "# template_files:" to the end, uncommented.
    const lines = example.split('\n');
    const start = lines.findIndex((line) => line.startsWith('# template_files:'));
    const definition = parse(
      lines
        .slice(start)
        .map((line) => line.replace(/^# ?/, ''))
        .join('\n'),
    );
    // Act
    const amp = parse(definition.alertmanager_config);
    const [sns] = amp.receivers[0].sns_configs;
    // Assess
    expect(Object.keys(definition.template_files)).toEqual(['remedy.tmpl']);
    expect(amp.templates).toEqual(['remedy.tmpl']);
    expect(sns.api_url).toBeUndefined();
    expect(sns.sigv4.region).toBeTruthy();
    expect(templated(sns)).toEqual(templated(snsConfigsOf(example)[0]));
  });

  it('is the file localAlertmanagerConfig reads by default', () => {
    expect(readFileSync(EXAMPLE_ALERTMANAGER_CONFIG, 'utf8')).toBe(example);
  });
});

describe('remedy.tmpl', () => {
  const template = read('remedy.tmpl');

  it('defines the subject and message templates the configs use', () => {
    expect(template).toContain('{{- define "remedy.sns.subject" -}}');
    expect(template).toContain('{{- define "remedy.sns.message" -}}');
  });

  it("escapes each control character U+0000..U+001F exactly once, with JSON's escape for it", () => {
    // Prepare: the slow path's table, one reReplaceAll per character.
    const rewrites = [...template.matchAll(/reReplaceAll `\\x([0-9a-f]{2})` `([^`]+)`/g)].map((m) => [
      Number.parseInt(m[1] ?? '', 16),
      m[2],
    ]);
    const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
    // Act
    const expected = Array.from({ length: 32 }, (_, code) => [
      code,
      short[code] ?? `\\u${code.toString(16).padStart(4, '0')}`,
    ]);
    // Assess: the placeholder restore (\x01 → \\) of the fast path is the one extra rewrite of 0x01.
    const table = rewrites.filter(([, replacement]) => replacement !== '\\\\');
    expect(table.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expected);
    for (const [, replacement] of expected) expect(JSON.parse(`"${replacement}"`)).toHaveLength(1);
  });
});
