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

/** GetParameters (WithDecryption) through @aws-sdk/client-ssm, loaded on first use and built once per container. */
export const ssmParameterReader = (options: { region: string; endpoint?: string }): ParameterReader => {
  let client: Promise<import('@aws-sdk/client-ssm').SSMClient> | undefined;
  return async (names) => {
    const sdk = await import('@aws-sdk/client-ssm');
    client ??= Promise.resolve(
      new sdk.SSMClient({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        maxAttempts: 2,
      }),
    );
    const answer = await (await client).send(
      new sdk.GetParametersCommand({ Names: [...names], WithDecryption: true }),
    );
    if (answer.InvalidParameters && answer.InvalidParameters.length > 0)
      throw new Error(`SSM parameter(s) not found: ${answer.InvalidParameters.join(', ')}`);
    return Object.fromEntries((answer.Parameters ?? []).map((p) => [p.Name ?? '', p.Value ?? '']));
  };
};
