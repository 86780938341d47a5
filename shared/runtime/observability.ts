import type { Logger, Metrics } from '#domain/ports.js';

/** CloudWatch namespace for remedy's metrics. */
export const METRICS_NAMESPACE = 'remedy';
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** A JSON-lines logger (CloudWatch Logs Insights reads the fields); per-invocation keys via `withKeys`. */
export const createLogger = (
  minLevel: Level = 'info',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  keys: Record<string, unknown> = {},
): Logger & { withKeys(extra: Record<string, unknown>): Logger } => {
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    write(JSON.stringify({ level, time: new Date().toISOString(), message, ...keys, ...fields }));
  };
  return {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    withKeys: (extra) => createLogger(minLevel, write, { ...keys, ...extra }),
  };
};

/**
 * Metrics as CloudWatch Embedded Metric Format lines: one line per count, so nothing is lost if an invocation
 * dies before a flush. Dimensions stay few (outcome, code) to keep cardinality bounded.
 */
export const createMetrics = (
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Metrics => ({
  count(name, dimensions = {}, value = 1) {
    write(
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [Object.keys(dimensions)],
              Metrics: [{ Name: name, Unit: 'Count' }],
            },
          ],
        },
        ...dimensions,
        [name]: value,
      }),
    );
  },
});
