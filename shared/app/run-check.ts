import { type Check, evaluateCondition, parseCondition, renderQuery } from '#domain/analysis/check.js';
import { PrometheusUnavailableError } from '#domain/analysis/errors.js';
import type { PrometheusQueries, PromSample } from '#domain/ports.js';

/** What a check found. `value` is the sample that decided (see {@link runCheck}). */
export interface CheckResult {
  /**
   * `true`/`false`: the condition held or not; `empty`: no data (no series, or only NaN);
   * `error`: the query could not be rendered or answered.
   */
  status: 'true' | 'false' | 'empty' | 'error';
  /** The rendered query (the template when it could not be rendered). */
  query: string;
  value?: number;
  /** One sentence naming the query, the value and the condition. */
  reason: string;
  /**
   * Set when the check could not be asked at all, so `onError: act` does not apply: `invalid` (the alert lacks
   * a label the query needs: the policy does not fit the alert), `unavailable` (no Prometheus for the cluster).
   */
  invalid?: true;
  unavailable?: true;
}

/** The parts of a check {@link runCheck} needs (analysis and verify both have them). */
export type CheckSpec = Pick<Check, 'query' | 'condition'> & Partial<Pick<Check, 'holdsFor'>>;

/** Reasons quote at most this many samples: a query over 500 pods is summarised, not listed. */
const MAX_SAMPLES_QUOTED = 3;

/**
 * Renders the check with the alert's labels, runs it as an instant query, and evaluates the condition.
 *
 * Several samples: with `holdsFor: all` (the default) the check holds only when every sample meets the
 * condition, so one container at 97 % and one at 40 % is "false" — remedy does not act on a guess; with
 * `any`, one sample meeting it is enough. NaN samples (0/0: a ratio over no traffic) carry no information and
 * are left out; if nothing else remains the answer is "empty". `value` is the deciding sample: the first one
 * that fails for all / holds for any, otherwise the first one.
 *
 * Never throws: every failure is a result with a reason.
 */
export const runCheck = async (
  check: CheckSpec,
  labels: Readonly<Record<string, string>>,
  cluster: string,
  prometheus: PrometheusQueries,
  signal?: AbortSignal,
): Promise<CheckResult> => {
  const rendered = renderQuery(check.query, labels);
  if (!rendered.ok) return { status: 'error', query: check.query, reason: rendered.reason, invalid: true };
  const { query } = rendered;
  let samples: PromSample[];
  try {
    samples = await prometheus.instantQuery(cluster, query, signal);
  } catch (error) {
    const reason = `query ${query} failed: ${(error as Error).message}`;
    if (error instanceof PrometheusUnavailableError)
      return { status: 'error', query, reason, unavailable: true };
    return { status: 'error', query, reason };
  }
  const condition = parseCondition(check.condition);
  const numbers = samples.filter((s) => !Number.isNaN(s.value));
  if (numbers.length === 0) {
    const what = samples.length === 0 ? 'no data' : `only NaN (${samples.length} sample(s), e.g. 0/0)`;
    return { status: 'empty', query, reason: `query ${query} returned ${what}` };
  }
  const holding = numbers.filter((s) => evaluateCondition(condition, s.value));
  const all = (check.holdsFor ?? 'all') === 'all';
  const holds = all ? holding.length === numbers.length : holding.length > 0;
  const deciding = (all ? numbers.find((s) => !holding.includes(s)) : holding[0]) ?? numbers[0];
  const value = deciding?.value ?? Number.NaN;
  const verdict = `${holds ? '' : 'not '}${check.condition.trim()}`;
  const reason =
    numbers.length === 1
      ? `query ${query} returned ${value} (${verdict})`
      : `query ${query} returned ${numbers.length} samples, ${holding.length} of them ${check.condition.trim()} ` +
        `(needs ${all ? 'all' : 'any'}): ${quote(numbers)}`;
  return { status: holds ? 'true' : 'false', query, value, reason };
};

const quote = (samples: readonly PromSample[]): string => {
  const shown = samples.slice(0, MAX_SAMPLES_QUOTED).map((s) => `${seriesName(s.metric)} ${s.value}`);
  const more = samples.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
};

const seriesName = (metric: Record<string, string>): string => {
  const { __name__: name = '', ...labels } = metric;
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(',')}}`;
};
