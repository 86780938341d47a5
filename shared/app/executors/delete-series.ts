import { formatDuration } from '#domain/actions/duration.js';
import type { Plan } from '#domain/actions/plan.js';
import { type TsdbAdmin, TsdbAdminError } from '#domain/actions/series/port.js';
import type { ExecutionResult } from './result.js';

type DeleteSeriesPlan = Extract<Plan, { action: 'deleteSeries' }>;

/** Audit code when the admin API refuses for good (disabled, bad request, denied). */
export const TSDB_REFUSED = 'tsdb-refused';

/**
 * Deletes the policy's series from the cluster's Prometheus (then cleans tombstones when asked). A refusal
 * the next attempt would meet again (admin API disabled, 4xx) is a final failure; 5xx and network errors are
 * thrown so Lambda retries (deleting the same series twice is harmless).
 */
export const executeDeleteSeries = async (
  plan: DeleteSeriesPlan,
  tsdb: TsdbAdmin | undefined,
  now: () => Date,
  signal?: AbortSignal,
): Promise<ExecutionResult> => {
  const details = { matchers: plan.matchers.join(' '), cleanTombstones: plan.cleanTombstones };
  if (!tsdb) {
    const reason = 'cannot delete series: remedy was started without a Prometheus admin client';
    return { outcome: 'failed', code: 'not-configured', reason, details };
  }
  const end =
    plan.olderThanSeconds === undefined
      ? undefined
      : new Date(now().getTime() - plan.olderThanSeconds * 1000);
  const { cluster } = plan.target;
  try {
    const { url } = await tsdb.deleteSeries(
      cluster,
      { matchers: plan.matchers, ...(end ? { end } : {}) },
      signal,
    );
    if (plan.cleanTombstones) await tsdb.cleanTombstones(cluster, signal);
    const older =
      plan.olderThanSeconds === undefined
        ? ''
        : ` older than ${formatDuration(plan.olderThanSeconds)} (before ${end?.toISOString()})`;
    const space = plan.cleanTombstones
      ? 'tombstones cleaned, the space is freed now'
      : 'the space is freed at the next compaction';
    return {
      outcome: 'acted',
      code: 'deleteSeries',
      reason: `deleted the series ${plan.matchers.join(', ')}${older} from Prometheus ${url} of cluster ${cluster}; ${space}`,
      details: { ...details, prometheus: url, ...(end ? { end: end.toISOString() } : {}) },
    };
  } catch (error) {
    if (error instanceof TsdbAdminError && !error.retryable) {
      return {
        outcome: 'failed',
        code: TSDB_REFUSED,
        reason: `cannot delete series from the Prometheus of cluster ${cluster}: ${error.message}`,
        details: { ...details, ...(error.status === undefined ? {} : { status: error.status }) },
      };
    }
    throw error;
  }
};
