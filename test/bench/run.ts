// `npm run bench`: every performance goal of remedy, measured on this machine in one run, printed as a table
// and written to test/bench/results/latest.json. Talks only to 127.0.0.1 (DynamoDB Local with telemetry off,
// the local SNS/EKS/STS endpoint, the sandbox API, local Slack/Jira/Grafana/SSM).
// Knobs: BENCH_LOAD_RUNS (fresh processes per bundle for (a), default 15), BENCH_INVOKE_RUNS (for (b), default
// 7), BENCH_ALERTS (latency samples, default 100).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ColdStartResults, type RoundTrips, runColdStart } from './cold-start.js';
import { runDecideThroughput } from './decide-throughput.js';
import { runLatency, runStorm } from './latency-and-storm.js';
import { readsOf, WRITE_OPS } from './support/dynamodb-counter.js';
import { startBenchEnv } from './support/env.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LOAD_RUNS = num('BENCH_LOAD_RUNS', 15);
const INVOKE_RUNS = num('BENCH_INVOKE_RUNS', 7);
const ALERTS = num('BENCH_ALERTS', 100);
const log = (s: string) => process.stderr.write(`${s}\n`);

const kb = (b: number | undefined) => (b === undefined ? '–' : `${(b / 1024).toFixed(0)} KB`);
const ms = (v: number) => `${v.toFixed(0)} ms`;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version };
const loadBefore = loadavg()[0] ?? 0;
const started = new Date();

// First, in a fresh heap and before the stack exists: pure code should not pay for the stack's garbage.
log('bench: decide throughput (pure code, this thread) …');
const throughput = runDecideThroughput({ rounds: 5, msPerRound: 1000 });
log('bench: starting DynamoDB Local and the local stack …');
const env = await startBenchEnv();
let cold: ColdStartResults;
let latency: Awaited<ReturnType<typeof runLatency>>;
let storm: Awaited<ReturnType<typeof runStorm>>;
try {
  log('bench: bundles, cold starts and round trips (fresh Node processes) …');
  cold = await runColdStart(env, { loadRuns: LOAD_RUNS, invokeRuns: INVOKE_RUNS, log });
  log(`bench: publish → pod DELETE over ${ALERTS} alerts …`);
  latency = await runLatency(env, ALERTS);
  log('bench: storm, 1,000 alerts in 10 notifications …');
  storm = await runStorm(env, { notifications: 10, perNotification: 100 });
} finally {
  await env.close();
}
const loadAfter = loadavg()[0] ?? 0;

/** The ledger's keys (claims, guardrails, audit): the remediation's own writes. */
const LEDGER = /^(CONTROL|ALERT|AUDIT|TARGET|RATE|BREAKER|DEADLETTER)#/;
/** Writes of a round trip: the remediation's (ledger), the notifier's (NOTIFY# thread state), and the rest. */
const writesBy = (t: RoundTrips) => {
  const writes = t.dynamodbCalls.filter((c) => WRITE_OPS.has(c.split(' ')[0] ?? ''));
  const pk = (c: string) => c.split(' ')[1] ?? '';
  const remediation = writes.filter((c) => LEDGER.test(pk(c))).length;
  const notify = writes.filter((c) => pk(c).startsWith('NOTIFY#')).length;
  const other = writes.filter((c) => !LEDGER.test(pk(c)) && !pk(c).startsWith('NOTIFY#'));
  return {
    remediation,
    notify,
    other: other.length,
    otherKeys: [...new Set(other.map((c) => pk(c).split('#')[0]))],
  };
};
const ops = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

const out: string[] = [];
const line = (s = '') => out.push(s);
line(`remedy bench — ${started.toISOString()} — ${machine.cpus} × ${machine.model}, Node ${machine.node}`);
line(
  `load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (the cores are shared: wall times are medians, CPU times are this process's own)`,
);
line();
const naiveLoad = cold.load['naive-baseline'];
const oursLoad = cold.load.remediate;
line(
  `Bundles and cold start (a): module load until the handler is callable, median of ${cold.runs.load} fresh Node processes each`,
);
line('| function | bundle | source map | (a) wall | (a) CPU | CommonJS modules loaded | ≤ 1 MB |');
line('| --- | ---: | ---: | ---: | ---: | ---: | :---: |');
for (const b of cold.bundles) {
  const l = cold.load[b.name];
  line(
    `| ${b.name} | ${kb(b.bytes)} | ${kb(b.mapBytes)} | ${l ? ms(l.medianMs) : '–'} | ${l ? ms(l.medianCpuMs) : '–'} | ${l?.modules ?? '–'} | ${b.bytes === undefined ? (b.error ?? '–') : b.name === 'naive-baseline' ? '' : mark(b.bytes <= 1024 * 1024)} |`,
  );
}
const ratioA = oursLoad && naiveLoad ? oursLoad.medianMs / naiveLoad.medianMs : Number.NaN;
const ratioACpu = oursLoad && naiveLoad ? oursLoad.medianCpuMs / naiveLoad.medianCpuMs : Number.NaN;
const oursB = cold.firstInvocation.remediate;
const naiveB = cold.firstInvocation['naive-baseline'];
const ratioB = oursB && naiveB ? oursB.medianLoadPlusFirstMs / naiveB.medianLoadPlusFirstMs : Number.NaN;
const ratioBCpu =
  oursB && naiveB ? oursB.medianLoadPlusFirstCpuMs / naiveB.medianLoadPlusFirstCpuMs : Number.NaN;
line();
line(
  `(a) remediate / naive: ${ratioA.toFixed(2)}× wall, ${ratioACpu.toFixed(2)}× CPU (goal ≤ 0.3×) ${mark(ratioA <= 0.3)}`,
);
line(
  `(b) load + first invocation deleting a real pod, median of ${cold.runs.firstInvocation}: remediate ${oursB ? ms(oursB.medianLoadPlusFirstMs) : '–'} (CPU ${oursB ? ms(oursB.medianLoadPlusFirstCpuMs) : '–'}), naive ${naiveB ? ms(naiveB.medianLoadPlusFirstMs) : '–'} (CPU ${naiveB ? ms(naiveB.medianLoadPlusFirstCpuMs) : '–'}): ${ratioB.toFixed(2)}× wall, ${ratioBCpu.toFixed(2)}× CPU (goal < 1×) ${mark(ratioB < 1)}`,
);
if (oursB && naiveB)
  line(
    `    same work, counted: remediate DynamoDB ${ops(oursB.trips.dynamodb)}, Kubernetes ${oursB.trips.kubernetes.length}, DescribeCluster ${oursB.trips.describeCluster}, SSM ${oursB.trips.ssm}, Slack ${oursB.trips.slack.length}, Grafana ${oursB.trips.grafana}; naive DynamoDB ${ops(naiveB.trips.dynamodb)}, Kubernetes ${naiveB.trips.kubernetes.length}, DescribeCluster ${naiveB.trips.describeCluster}, SSM ${naiveB.trips.ssm}, Slack ${naiveB.trips.slack.length}, Grafana ${naiveB.trips.grafana}`,
  );
line();
line(
  'Round trips per remediation (counted on the wire; cold = first alert of a fresh process, warm = the next one)',
);
line(
  '| alert | | DynamoDB reads | DynamoDB writes: remediation + notifier + other | DynamoDB by operation | Kubernetes | DescribeCluster | STS | Slack | SSM |',
);
line('| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const [kind, { cold: c, warm: w }] of Object.entries(cold.roundTrips)) {
  for (const [when, t] of [
    ['cold', c],
    ['warm', w],
  ] as const) {
    if (kind === 'skipped (duplicate)' && when === 'cold') continue;
    const wb = writesBy(t);
    line(
      `| ${kind} | ${kind === 'skipped (duplicate)' ? 'redelivery' : when} | ${readsOf(t.dynamodb)} | ${wb.remediation} + ${wb.notify} + ${wb.other}${wb.other ? ` (${wb.otherKeys.join(', ')})` : ''} | ${ops(t.dynamodb)} | ${t.kubernetes.length} | ${t.describeCluster} | ${t.sts} | ${t.slack.length} | ${t.ssm} |`,
    );
  }
}
const warmDelete = cold.roundTrips.deletePod?.warm;
if (warmDelete) {
  const wb = writesBy(warmDelete);
  line(
    `deletePod warm: ${wb.remediation} remediation write(s) (goal ≤ 1) ${mark(wb.remediation <= 1)}, ${warmDelete.kubernetes.length} Kubernetes calls (≤ 2) ${mark(warmDelete.kubernetes.length <= 2)}, STS ${warmDelete.sts} ${mark(warmDelete.sts === 0)}, DescribeCluster ${warmDelete.describeCluster} ${mark(warmDelete.describeCluster === 0)}`,
  );
}
line();
line(
  `Decide throughput (parse + match + guardrails, ${throughput.policies} policies cached, one thread): ${Math.round(throughput.alertsPerCpuSecond).toLocaleString('en')} alerts per CPU-second, median of ${throughput.samples.length} rounds (${Math.round(throughput.alertsPerSecond).toLocaleString('en')}/s wall; rounds ${throughput.samples.map((r) => `${Math.round(r.cpu / 1000)}k`).join(' ')}) (goal ≥ 50,000) ${mark(throughput.alertsPerCpuSecond >= 50_000)}`,
);
line(
  `Storm (local stack, ${storm.alerts} alerts in ${storm.notifications} notifications, budget ${storm.budget}/h): ${(storm.wallMs / 1000).toFixed(1)} s (goal ≤ 5 s) ${mark(storm.wallMs <= 5000)}, pods deleted ${storm.actions} (= budget ${mark(storm.actions === storm.budget)}), Slack ${ops(storm.slack)}, DynamoDB ${ops(storm.dynamodb)}`,
);
line(
  `Publish → pod DELETE (local stack, one at a time): first ${ms(latency.firstMs)} (the stack's handler cold), then over ${latency.alerts} alerts p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`,
);
process.stdout.write(`${out.join('\n')}\n`);

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  `${resultsDir}latest.json`,
  `${JSON.stringify(
    {
      at: started.toISOString(),
      machine: { ...machine, loadAverage: { before: loadBefore, after: loadAfter } },
      runs: { load: LOAD_RUNS, firstInvocation: INVOKE_RUNS, latencyAlerts: ALERTS },
      coldStart: {
        ...cold,
        ratios: { loadWall: ratioA, loadCpu: ratioACpu, firstWall: ratioB, firstCpu: ratioBCpu },
      },
      throughput,
      storm,
      latency,
      table: out,
    },
    null,
    2,
  )}\n`,
);
if (storm.actions !== storm.budget) {
  process.stderr.write('a guarantee did not hold: the storm acted more or less than its budget\n');
  process.exitCode = 1;
}
