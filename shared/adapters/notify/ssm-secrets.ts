import { AwsJsonClient } from '../aws/aws-json.js';
import type { CredentialProvider } from '../eks/credentials.js';
import { WarmCache } from '../warm-cache.js';

/** A rotated token is picked up within this long; a warm container asks SSM once per period, not per alert. */
export const SECRET_CACHE_MS = 5 * 60_000;

/** Reads decrypted parameter values by name; a missing parameter is an error naming it (never a value). */
export type ParameterReader = (names: readonly string[]) => Promise<Record<string, string>>;

/**
 * Secrets (Slack, Jira, Grafana tokens) from SSM Parameter Store, cached while warm. Values are only ever handed
 * to the HTTP clients that put them in an Authorization header; no error or log line carries one.
 */
export class CachedSecrets {
  private readonly cache: WarmCache<string>;

  constructor(
    private readonly read: ParameterReader,
    now: () => number = Date.now,
  ) {
    this.cache = new WarmCache(SECRET_CACHE_MS, now);
  }

  /** A provider for one parameter, for a client's constructor: loads on first use, then from the cache. */
  provider(name: string): () => Promise<string> {
    return () => this.get(name);
  }

  get(name: string): Promise<string> {
    return this.cache.get(name, async () => {
      const value = (await this.read([name]))[name];
      if (value === undefined || value === '')
        throw new Error(`secret parameter ${name} is missing or empty`);
      return value;
    });
  }
}

/** The part of SSM's GetParameters answer remedy reads. */
interface GetParametersOutput {
  Parameters?: Array<{ Name?: string; Value?: string }>;
  InvalidParameters?: string[];
}

/**
 * SSM GetParameters (WithDecryption; AWS JSON 1.1) with the given credentials; built once per container, its
 * connection kept alive.
 */
export const ssmParameterReader = (options: {
  region: string;
  endpoint?: string;
  credentials: CredentialProvider;
}): ParameterReader => {
  const ssm = new AwsJsonClient({
    service: 'ssm',
    targetPrefix: 'AmazonSSM',
    jsonVersion: '1.1',
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 2,
  });
  return async (names) => {
    const answer = (await ssm.call('GetParameters', {
      Names: [...names],
      WithDecryption: true,
    })) as GetParametersOutput;
    if (answer.InvalidParameters && answer.InvalidParameters.length > 0)
      throw new Error(`SSM parameter(s) not found: ${answer.InvalidParameters.join(', ')}`);
    return Object.fromEntries((answer.Parameters ?? []).map((p) => [p.Name ?? '', p.Value ?? '']));
  };
};
