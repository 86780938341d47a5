import type { Check } from '#domain/analysis/check.js';
import type { AuditRecord } from '#domain/audit.js';
import type { SkipCode } from '#domain/decide.js';
import type { Logger, Metrics, PrometheusQueries } from '#domain/ports.js';
import { type CheckResult, runCheck } from './run-check.js';

/** What the analysis step needs from the remediation's dependencies. */
export interface AnalysisDeps {
  prometheus?: PrometheusQueries | undefined;
  metrics: Metrics;
  logger: Logger;
}

/** Go ahead (with facts for the audit record), or do not act: one skip record's code and reason. */
export type AnalysisVerdict =
  | { proceed: true; details: Record<string, string | number | boolean> }
  | { proceed: false; code: SkipCode; reason: string; details: Record<string, string | number | boolean> };

const STATUS_CODE: Record<Exclude<CheckResult['status'], 'true'>, SkipCode> = {
  false: 'analysis-not-confirmed',
  empty: 'analysis-empty',
  error: 'analysis-error',
};

/**
 * Look before acting: when the policy has an `analysis`, ask Prometheus whether the alert's condition still
 * holds for this target. Runs after the policy decided to act and before the reservation, so a "no" spends no
 * budget, cooldown or episode claim (a later notification of the same episode asks again); it runs in dry-run
 * too, so "would act" means what enforcing would do.
 *
 * `onEmpty`/`onError: act` let a policy act without data, but never when the check could not be asked at all
 * (no Prometheus for the cluster, the alert lacks a label the query needs): that is a configuration problem,
 * and remedy does not act on a guess.
 */
export const analyseBeforeActing = async (
  analysis: Check | undefined,
  alertLabels: Readonly<Record<string, string>>,
  cluster: string,
  deps: AnalysisDeps,
  signal?: AbortSignal,
): Promise<AnalysisVerdict> => {
  if (analysis === undefined) return { proceed: true, details: {} };
  if (deps.prometheus === undefined) {
    deps.metrics.count('Analysis', { status: 'unavailable' });
    return {
      proceed: false,
      code: 'analysis-unavailable',
      reason: `the policy asks Prometheus first (${analysis.query} ${analysis.condition}) but remedy has no Prometheus configured; not acting`,
      details: { analysisQuery: analysis.query, analysisCondition: analysis.condition },
    };
  }
  const result = await runCheck(analysis, alertLabels, cluster, deps.prometheus, signal);
  deps.metrics.count('Analysis', { status: result.status });
  const details: Record<string, string | number | boolean> = {
    analysisQuery: result.query,
    analysisCondition: analysis.condition,
    analysisStatus: result.status,
    ...(result.value === undefined ? {} : { analysisValue: result.value }),
  };
  if (result.status === 'true') return { proceed: true, details };
  if (result.unavailable === true || result.invalid === true) {
    return {
      proceed: false,
      code: result.unavailable === true ? 'analysis-unavailable' : 'analysis-error',
      reason: `analysis could not run, not acting: ${result.reason}`,
      details,
    };
  }
  if (result.status === 'false') {
    return {
      proceed: false,
      code: STATUS_CODE.false,
      reason: `analysis did not confirm the alert: ${result.reason}`,
      details,
    };
  }
  const setting = result.status === 'empty' ? 'onEmpty' : 'onError';
  if (analysis[setting] === 'act') {
    deps.logger.warn(`analysis ${result.status}; acting anyway as the policy's ${setting} says`, {
      analysis: result,
    });
    return { proceed: true, details: { ...details, analysisOverride: `${setting}: act` } };
  }
  return {
    proceed: false,
    code: STATUS_CODE[result.status],
    reason: `analysis ${result.status === 'empty' ? 'found no data' : 'failed'}, not acting (${setting}: skip): ${result.reason}`,
    details,
  };
};

/** The audit details of an acted/would-act record with the analysis that confirmed it added. */
export const withAnalysis = (
  details: AuditRecord['details'],
  verdict: AnalysisVerdict,
): Pick<AuditRecord, 'details'> =>
  Object.keys(verdict.details).length === 0 && details === undefined
    ? {}
    : { details: { ...details, ...verdict.details } };
