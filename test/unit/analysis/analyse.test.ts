import { describe, expect, it } from 'vitest';
import { analyseBeforeActing } from '#app/analysis.js';
import { runCheck } from '#app/run-check.js';
import { checkSchema } from '#domain/analysis/check.js';
import { PrometheusError } from '#domain/analysis/errors.js';
import type { PrometheusQueries, PromSample } from '#domain/ports.js';

// The decision rules over a fixed answer; the HTTP adapter and real Prometheus are covered by
// test/integration/prometheus.
const answering = (samples: PromSample[] | Error): PrometheusQueries & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    instantQuery: async (_cluster, promql) => {
      asked.push(promql);
      if (samples instanceof Error) throw samples;
      return samples;
    },
  };
};
const silent = { info: () => {}, warn: () => {}, error: () => {} };
const counted: Array<Record<string, string>> = [];
const deps = (prometheus: PrometheusQueries | undefined) => ({
  prometheus,
  logger: silent,
  metrics: { count: (_n: string, d: Record<string, string> = {}) => void counted.push(d) },
});
const sample = (pod: string, value: number): PromSample => ({ metric: { __name__: 'm', pod }, value });

describe('runCheck with several samples', () => {
  const check = { query: 'm{ns="{{ns}}"}', condition: '> 0.9' };
  const two = answering([sample('a', 0.97), sample('b', 0.4)]);

  it('needs every sample by default, reporting the one that failed', async () => {
    const result = await runCheck(check, { ns: 'x' }, 'c', two);
    expect(result).toMatchObject({ status: 'false', value: 0.4, query: 'm{ns="x"}' });
    expect(result.reason).toBe(
      'query m{ns="x"} returned 2 samples, 1 of them > 0.9 (needs all): m{pod="a"} 0.97, m{pod="b"} 0.4',
    );
  });

  it('needs one with holdsFor: any', async () => {
    expect(await runCheck({ ...check, holdsFor: 'any' }, { ns: 'x' }, 'c', two)).toMatchObject({
      status: 'true',
      value: 0.97,
    });
  });

  it('treats NaN samples as no data', async () => {
    const nan = answering([sample('a', Number.NaN)]);
    expect(await runCheck(check, { ns: 'x' }, 'c', nan)).toMatchObject({ status: 'empty' });
    const mixed = answering([sample('a', Number.NaN), sample('b', 0.95)]);
    expect(await runCheck(check, { ns: 'x' }, 'c', mixed)).toMatchObject({ status: 'true', value: 0.95 });
  });
});

describe('analyseBeforeActing', () => {
  const policyCheck = (extra: object = {}) =>
    checkSchema.parse({ query: 'm{pod="{{pod}}", c="{{container}}"}', condition: '> 0.9', ...extra });

  it('goes ahead without asking when the policy has no analysis', async () => {
    const prometheus = answering([]);
    expect(await analyseBeforeActing(undefined, {}, 'c', deps(prometheus))).toEqual({
      proceed: true,
      details: {},
    });
    expect(prometheus.asked).toEqual([]);
  });

  it('never acts when the alert lacks a label the query needs, even with onError: act', async () => {
    const prometheus = answering([sample('a', 1)]);
    const verdict = await analyseBeforeActing(
      policyCheck({ onError: 'act' }),
      { pod: 'a' },
      'c',
      deps(prometheus),
    );
    expect(verdict).toMatchObject({ proceed: false, code: 'analysis-error' });
    expect(verdict.proceed === false && verdict.reason).toMatch(/no label "container"/);
    expect(prometheus.asked).toEqual([]);
  });

  it('acts on an error only when the policy says onError: act, and records the override', async () => {
    const failing = answering(new PrometheusError('Prometheus p:9090 answered 503: overloaded'));
    const labels = { pod: 'a', container: 'app' };
    expect(await analyseBeforeActing(policyCheck(), labels, 'c', deps(failing))).toMatchObject({
      proceed: false,
      code: 'analysis-error',
      reason: expect.stringContaining('(onError: skip)'),
    });
    expect(
      await analyseBeforeActing(policyCheck({ onError: 'act' }), labels, 'c', deps(failing)),
    ).toMatchObject({
      proceed: true,
      details: { analysisStatus: 'error', analysisOverride: 'onError: act' },
    });
  });

  it('says analysis-unavailable without a Prometheus client', async () => {
    expect(
      await analyseBeforeActing(
        policyCheck({ onError: 'act' }),
        { pod: 'a', container: 'b' },
        'c',
        deps(undefined),
      ),
    ).toMatchObject({
      proceed: false,
      code: 'analysis-unavailable',
    });
    expect(counted).toContainEqual({ status: 'unavailable' });
  });
});
