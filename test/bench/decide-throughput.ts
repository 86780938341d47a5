// Decide throughput: parse + policy match + guardrail decisions per second, pure code on one core (this
// thread), with 1,000 validated policies cached by alertname as the policy store's warm cache holds them.
import { performance } from 'node:perf_hooks';
import { parseNotification } from '#domain/alert/parse.js';
import { decide } from '#domain/decide.js';
import { budgetWindow } from '#domain/guardrails/budget.js';
import { type Policy, policySchema } from '#domain/policy/schema.js';
import { median } from './cold-start.js';

const ALERTNAMES = 100;
const PER_ALERTNAME = 10;
const ALERTS_PER_NOTIFICATION = 100;

export interface ThroughputResult {
  policies: number;
  /** Alerts per second of this thread's CPU time: what one core does, whatever else loads the machine. */
  alertsPerCpuSecond: number;
  /** Alerts per wall-clock second (lower when other processes share the cores). */
  alertsPerSecond: number;
  samples: Array<{ wall: number; cpu: number }>;
  outcomes: Record<string, number>;
}

/** 100 alertnames × 10 policies: each with matchers (equality and regex) and its own priority. */
const policies = (): Map<string, Policy[]> => {
  const byName = new Map<string, Policy[]>();
  for (let a = 0; a < ALERTNAMES; a++) {
    const list: Policy[] = [];
    for (let p = 0; p < PER_ALERTNAME; p++) {
      list.push(
        policySchema.parse({
          name: `bench-${a}-${p}`,
          match: {
            alertname: `BenchAlert${a}`,
            matchers: [`team="team-${p}"`, 'severity=~"warning|critical"', 'namespace!~"kube-.*"'],
          },
          priority: 100 + p,
          target: {
            cluster: { fromLabel: 'cluster', default: 'prod' },
            namespace: { fromLabel: 'namespace' },
            pod: { fromLabel: 'pod' },
          },
          action: { type: 'deletePod' },
          guard: { maxActions: { count: 10, per: '1h' }, namespaces: { deny: ['monitoring'] } },
        }),
      );
    }
    byName.set(`BenchAlert${a}`, list);
  }
  return byName;
};

/** Notifications as Alertmanager sends them: mostly matching alerts, some for no team or a denied namespace. */
const messages = (count: number): string[] =>
  Array.from({ length: count }, (_, n) =>
    JSON.stringify({
      version: '4',
      receiver: 'remedy',
      status: 'firing',
      alerts: Array.from({ length: ALERTS_PER_NOTIFICATION }, (_, i) => ({
        status: 'firing',
        labels: {
          alertname: `BenchAlert${(n * 7 + i) % ALERTNAMES}`,
          severity: 'warning',
          team: `team-${i % 12}`,
          namespace: i % 20 === 0 ? 'monitoring' : `shop-${i % 5}`,
          pod: `web-5d8f7c9b6-${String(n * ALERTS_PER_NOTIFICATION + i).padStart(5, '0')}`,
        },
        annotations: { summary: 'bench' },
        startsAt: '2026-11-25T10:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: (n * ALERTS_PER_NOTIFICATION + i).toString(16).padStart(16, '0'),
      })),
      groupLabels: { alertname: 'BenchAlert' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.local',
    }),
  );

export const runDecideThroughput = (opts: { rounds: number; msPerRound: number }): ThroughputResult => {
  const cache = policies();
  const inputs = messages(50);
  const ctx = {
    mode: 'enforce' as const,
    protectedNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
  };
  const now = new Date('2026-11-25T10:00:05.000Z');
  const outcomes: Record<string, number> = {};
  const clusterBudget = { count: 30, perSeconds: 3600 };
  let sink = 0;
  const round = (ms: number, count: boolean): { wall: number; cpu: number } => {
    let alerts = 0;
    let i = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    while (performance.now() - start < ms) {
      const parsed = parseNotification(inputs[i++ % inputs.length] as string, {});
      if (!parsed.ok) throw new Error(parsed.error.message);
      for (const alert of parsed.notification.alerts) {
        const decision = decide(alert, cache.get(alert.labels.alertname ?? '') ?? [], ctx);
        if (decision.kind === 'act') {
          // The budget windows the reservation will check: part of the decision's cost.
          sink += budgetWindow('policy', decision.policy.name, decision.policy.guard.maxActions, now).limit;
          sink += budgetWindow('cluster', decision.plan.target.cluster, clusterBudget, now).limit;
        }
        if (count) {
          const key = decision.kind === 'act' ? 'act' : decision.code;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
        alerts++;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      wall: alerts / ((performance.now() - start) / 1000),
      cpu: alerts / ((cpu.user + cpu.system) / 1e6),
    };
  };
  round(opts.msPerRound, true); // warm-up: JIT, caches; also counts what the inputs decide
  const samples = Array.from({ length: opts.rounds }, () => round(opts.msPerRound, false));
  if (sink < 0) throw new Error('unreachable');
  return {
    policies: [...cache.values()].reduce((s, l) => s + l.length, 0),
    alertsPerCpuSecond: median(samples.map((s) => s.cpu)),
    alertsPerSecond: median(samples.map((s) => s.wall)),
    samples,
    outcomes,
  };
};
