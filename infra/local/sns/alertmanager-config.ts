// Turns the shipped infra/alertmanager/alertmanager.yml into a config for a local Alertmanager: same template,
// subject, message and attributes, but api_url at the local SNS endpoint, static local credentials, the local
// topic, and (for tests) short group timings. What runs locally is the example users copy.
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { AwsCredentials } from '../aws/local-account.js';

/** The example config users copy; local configs are derived from it. */
export const EXAMPLE_ALERTMANAGER_CONFIG = fileURLToPath(
  new URL('../../alertmanager/alertmanager.yml', import.meta.url),
);

/** Where the local Alertmanager publishes, and how fast it groups. */
export interface LocalAlertmanagerOptions {
  /** The local SNS endpoint, e.g. `http://127.0.0.1:4002/`. */
  snsUrl: string;
  topicArn: string;
  region: string;
  credentials: Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey'>;
  /** Directory the example's relative template paths are resolved against (default: its own directory). */
  templateDir?: string;
  /** Alertmanager durations ("1s", "5m"); unset keeps the example's. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/** The local variant of an Alertmanager config (YAML text in, YAML text out). */
export function localAlertmanagerConfig(exampleYaml: string, options: LocalAlertmanagerOptions): string {
  const config = parse(exampleYaml) as Record<string, unknown>;
  const templateDir = options.templateDir ?? dirname(EXAMPLE_ALERTMANAGER_CONFIG);
  // The generated file lives elsewhere (a temp dir), so template paths become absolute.
  if (Array.isArray(config.templates)) {
    config.templates = config.templates.map((path) =>
      typeof path === 'string' && !isAbsolute(path) ? join(templateDir, path) : path,
    );
  }
  const route = record(config.route, 'route');
  if (options.groupWait !== undefined) route.group_wait = options.groupWait;
  if (options.groupInterval !== undefined) route.group_interval = options.groupInterval;
  if (options.repeatInterval !== undefined) route.repeat_interval = options.repeatInterval;

  const receivers = Array.isArray(config.receivers) ? config.receivers : [];
  let snsConfigs = 0;
  for (const receiver of receivers) {
    const configs = record(receiver, 'receiver').sns_configs;
    if (!Array.isArray(configs)) continue;
    for (const sns of configs) {
      const entry = record(sns, 'sns_configs entry');
      entry.api_url = options.snsUrl;
      entry.topic_arn = options.topicArn;
      entry.sigv4 = {
        region: options.region,
        access_key: options.credentials.accessKeyId,
        secret_key: options.credentials.secretAccessKey,
      };
      snsConfigs++;
    }
  }
  if (snsConfigs === 0)
    throw new Error('alertmanager config has no sns_configs to point at the local endpoint');
  return stringify(config, { lineWidth: 0 });
}

/** The `sns_configs` entries of a config, for comparing templates across files. */
export function snsConfigsOf(yamlText: string): Array<Record<string, unknown>> {
  const config = parse(yamlText) as Record<string, unknown>;
  const receivers = Array.isArray(config.receivers) ? config.receivers : [];
  return receivers.flatMap((receiver) => {
    const configs = record(receiver, 'receiver').sns_configs;
    return Array.isArray(configs) ? configs.map((entry) => record(entry, 'sns_configs entry')) : [];
  });
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`alertmanager config: ${what} must be a mapping`);
  }
  return value as Record<string, unknown>;
}
