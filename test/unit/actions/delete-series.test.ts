import { describe, expect, it } from 'vitest';
import { actionSchema, planAction, targetKindOf } from '#domain/actions/catalog.js';
import { describePlan } from '#domain/actions/plan.js';
import { parseSeriesSelector } from '#domain/actions/series/selector.js';

describe('deleteSeries matchers', () => {
  it.each([
    ['apiserver_request_duration_seconds_bucket', 'apiserver_request_duration_seconds_bucket'],
    ['  http_requests_total { job = "api" , code=~"5.." } ', 'http_requests_total{job="api",code=~"5.."}'],
    ['{__name__="up", instance!="a\\"b"}', 'up{instance!="a\\"b"}'],
    ['ns:metric:rate5m{}', 'ns:metric:rate5m'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(actionSchema.parse({ type: 'deleteSeries', matchers: [input] })).toEqual({
      type: 'deleteSeries',
      matchers: [canonical],
    });
  });

  it.each([
    ['{job="api"}', 'name the metric'],
    ['{__name__=~".+"}', '__name__ may only be matched with ='],
    ['up{__name__="down"}', 'names two different metrics'],
    ['up{job="{{job}}"}', 'placeholders are not allowed'],
    ['up{job=api}', 'expected a double-quoted value for job'],
    ['up{job="a"} or vector(1)', 'unexpected'],
    ['up{job=~"("}', 'does not compile'],
    ['up{job="a"', 'expected "," or "}" after a matcher'],
    ['', 'name the metric'],
  ])('refuses %s (%s)', (input, why) => {
    const parsed = parseSeriesSelector(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(why);
    expect(actionSchema.safeParse({ type: 'deleteSeries', matchers: [input] }).success).toBe(false);
  });

  it('needs at least one matcher and reads olderThan as seconds', () => {
    expect(actionSchema.safeParse({ type: 'deleteSeries', matchers: [] }).success).toBe(false);
    expect(
      actionSchema.parse({ type: 'deleteSeries', matchers: ['up'], olderThan: '2d', cleanTombstones: true }),
    ).toEqual({
      type: 'deleteSeries',
      matchers: ['up'],
      olderThan: 172800,
      cleanTombstones: true,
    });
  });

  it('aims at the Prometheus workload and says what it will delete', () => {
    const action = actionSchema.parse({
      type: 'deleteSeries',
      matchers: ['noisy_bucket{job="x"}'],
      olderThan: '1h',
    });
    expect(targetKindOf(action)).toEqual(['StatefulSet', 'Deployment', 'Pod']);
    const plan = planAction(action, {
      cluster: 'prod',
      namespace: 'monitoring',
      kind: 'StatefulSet',
      name: 'prometheus-k8s',
    });
    expect(describePlan(plan)).toBe(
      'delete the series noisy_bucket{job="x"} older than 1h from the Prometheus of cluster prod (statefulset monitoring/prometheus-k8s in cluster prod)',
    );
  });
});
