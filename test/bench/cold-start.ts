// Bundle sizes, cold starts and round trips per remediation, with fresh Node processes running the bundles as
// packaged (esbuild, serverless.yml's settings) against the bench's local stack.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bundle, bundle, bundleFunctions, readServerlessSettings } from './support/bundle.js';
import { type Counts, diff } from './support/dynamodb-counter.js';
import { alert, type BenchEnv, livePod, newRelease, notificationOf, snsEvent } from './support/env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/cold-child.mjs', import.meta.url));
// Under node_modules (ignored by git, and not serverless-esbuild's .esbuild/ which packaging wipes), so the bundles
// resolve the external AWS SDK from node_modules as the Lambda runtime resolves its own copy.
const OUT = `${ROOT}node_modules/.cache/remedy-bench`;

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Round trips of one invocation, by system. */
export interface RoundTrips {
  dynamodb: Counts;
  /** The DynamoDB calls one by one (`<operation> <pk>`). */
  dynamodbCalls: string[];
  kubernetes: string[];
  describeCluster: number;
  sts: number;
  slack: string[];
  ssm: number;
  grafana: number;
  jira: number;
}

const probe = (env: BenchEnv) => ({
  dynamodb: env.dynamodb.snapshot(),
  dynamodbLog: env.dynamodb.log.length,
  kube: env.sandbox.requests.length,
  aws: env.stack.aws?.calls.length ?? 0,
  slack: env.stack.sinks.slack.requests.length,
  ssm: env.stack.sinks.ssm.requests.length,
  grafana: env.stack.sinks.grafana.requests.length,
  jira: env.stack.sinks.jira.requests.length,
});
const tripsSince = (env: BenchEnv, before: ReturnType<typeof probe>): RoundTrips => {
  const aws = env.stack.aws?.calls.slice(before.aws) ?? [];
  return {
    dynamodb: diff(env.dynamodb.snapshot(), before.dynamodb),
    dynamodbCalls: env.dynamodb.log.slice(before.dynamodbLog),
    kubernetes: env.sandbox.requests.slice(before.kube).map((r) => `${r.method} ${r.path.split('?')[0]}`),
    describeCluster: aws.filter((c) => c.service === 'eks').length,
    sts: aws.filter((c) => c.service === 'sts').length,
    slack: env.stack.sinks.slack.requests.slice(before.slack).map((r) => r.path.split('/').at(-1) ?? r.path),
    ssm: env.stack.sinks.ssm.requests.length - before.ssm,
    grafana: env.stack.sinks.grafana.requests.length - before.grafana,
    jira: env.stack.sinks.jira.requests.length - before.jira,
  };
};

/** A fresh Node process with one bundle loaded, ready to be invoked. */
export class Cold {
  private readonly child: ChildProcess;
  private readonly inbox: Array<Record<string, unknown>> = [];
  private waiting: ((m: Record<string, unknown>) => void) | undefined;
  private stderr = '';

  constructor(
    b: Bundle,
    nodeOptions: string | undefined,
    extraEnv: Record<string, string> = {},
    execArgv: string[] = [],
  ) {
    this.child = fork(CHILD, [b.file, b.exportName], {
      execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...extraEnv, ...process.env, NODE_OPTIONS: nodeOptions ?? '' },
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.child.on('message', (m) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) w(m as Record<string, unknown>);
      else this.inbox.push(m as Record<string, unknown>);
    });
    this.child.on('exit', (code) => {
      if (code && this.waiting) this.waiting({ type: 'died', error: this.stderr });
    });
  }

  private next(): Promise<Record<string, unknown>> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Wall ms of the load; `detail` gets its CPU ms and the CommonJS modules and packages it loaded. */
  async loaded(
    detail?: (d: { cpuMs: number; modules: number; packages: string[] }) => void,
  ): Promise<number> {
    const m = await this.next();
    if (m.type !== 'loaded') throw new Error(`child failed to load: ${String(m.error ?? this.stderr)}`);
    detail?.({ cpuMs: Number(m.cpuMs), modules: Number(m.modules), packages: m.packages as string[] });
    return Number(m.loadMs);
  }

  async invoke(event: unknown): Promise<{ ms: number; cpuMs: number }> {
    this.child.send({ type: 'invoke', event });
    const m = await this.next();
    if (m.type !== 'done' || m.error) throw new Error(`invocation failed: ${String(m.error ?? this.stderr)}`);
    return { ms: Number(m.ms), cpuMs: Number(m.cpuMs) };
  }

  async exit(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' });
    await exited;
  }
}

export interface ColdStartResults {
  bundles: Array<{ name: string; bytes?: number; mapBytes?: number; error?: string }>;
  load: Record<
    string,
    { medianMs: number; medianCpuMs: number; samples: number[]; modules: number; packages: string[] }
  >;
  firstInvocation: Record<
    string,
    {
      medianMs: number;
      medianLoadPlusFirstMs: number;
      medianLoadPlusFirstCpuMs: number;
      samples: number[];
      trips: RoundTrips;
    }
  >;
  roundTrips: Record<string, { cold: RoundTrips; warm: RoundTrips }>;
  runs: { load: number; firstInvocation: number };
}

export const runColdStart = async (
  env: BenchEnv,
  opts: { loadRuns: number; invokeRuns: number; log: (s: string) => void },
): Promise<ColdStartResults> => {
  const settings = readServerlessSettings(ROOT);
  const built = await bundleFunctions(ROOT, OUT);
  const naive = await bundle(
    settings.esbuild,
    {
      name: 'naive-baseline',
      source: fileURLToPath(new URL('./naive/remediate.ts', import.meta.url)),
      exportName: 'handler',
    },
    OUT,
  );
  const ok = built.filter((b) => 'file' in b);
  const all: Array<Bundle & { environment?: Record<string, string> }> = [...ok, naive];
  const topic = env.stack.topicArn;
  const deleteEvent = () =>
    snsEvent(notificationOf([alert({ alertname: 'KubePodCrashLooping', pod: livePod(env.sandbox) })]), topic);

  // (a) module load until the handler is callable; variants interleaved so machine load hits all alike.
  // The local stack's environment is what remediate gets; the other functions get their serverless.yml
  // environment with placeholders where only a deployment knows the value (they are loaded, not invoked).
  const load: Record<string, number[]> = Object.fromEntries(all.map((b) => [b.name, []]));
  const loadCpu: Record<string, number[]> = Object.fromEntries(all.map((b) => [b.name, []]));
  const loadDetail: Record<string, { modules: number; packages: string[] }> = {};
  const loadErrors: Record<string, string> = {};
  for (let i = 0; i < opts.loadRuns; i++) {
    for (const b of all) {
      if (loadErrors[b.name]) continue;
      const cold = new Cold(b, settings.nodeOptions, b.name === 'remediate' ? {} : (b.environment ?? {}));
      try {
        load[b.name]?.push(
          await cold.loaded((d) => {
            loadCpu[b.name]?.push(d.cpuMs);
            loadDetail[b.name] = { modules: d.modules, packages: d.packages };
          }),
        );
        await cold.exit();
      } catch (error) {
        if (b.name === 'remediate' || b === naive) throw error;
        loadErrors[b.name] = (error as Error).message.split('\n').slice(0, 3).join(' ');
      }
    }
  }
  opts.log(`  (a) load: ${opts.loadRuns} fresh processes per bundle`);

  // (b) load + the first invocation deleting a real pod through the EKS path.
  const remediate = ok.find((b) => b.name === 'remediate');
  const pair = remediate ? [remediate, naive] : [naive];
  const first: Record<string, { total: number[]; cpu: number[]; invoke: number[]; trips?: RoundTrips }> = {};
  for (let i = 0; i < opts.invokeRuns; i++) {
    for (const b of pair) {
      const cold = new Cold(b, settings.nodeOptions);
      let loadCpuMs = 0;
      const loadMs = await cold.loaded((d) => {
        loadCpuMs = d.cpuMs;
      });
      const before = probe(env);
      const { ms, cpuMs } = await cold.invoke(deleteEvent());
      const trips = tripsSince(env, before);
      if (!trips.kubernetes.some((k) => k.startsWith('DELETE'))) throw new Error(`${b.name} deleted no pod`);
      const entry = first[b.name] ?? { total: [], cpu: [], invoke: [] };
      first[b.name] = entry;
      entry.total.push(loadMs + ms);
      entry.cpu.push(loadCpuMs + cpuMs);
      entry.invoke.push(ms);
      entry.trips ??= trips;
      await cold.exit();
    }
  }
  opts.log(`  (b) load + first invocation: ${opts.invokeRuns} fresh processes per bundle`);

  // Round trips: per kind, a fresh process handles two alerts of that kind (cold, then warm).
  const roundTrips: ColdStartResults['roundTrips'] = {};
  if (remediate) {
    const kinds: Array<[string, () => unknown]> = [
      ['deletePod', deleteEvent],
      [
        'rollbackDeployment',
        () => snsEvent(notificationOf([alert({ alertname: 'HTTPErrorRateHigh', deployment: 'web' })]), topic),
      ],
      [
        'skipped (no policy)',
        () => snsEvent(notificationOf([alert({ alertname: 'BenchUnmatched', pod: 'web-x' })]), topic),
      ],
    ];
    newRelease(env.sandbox, 'nginx:1.28-bench');
    for (const [kind, event] of kinds) {
      const cold = new Cold(remediate, settings.nodeOptions);
      await cold.loaded();
      const trips: RoundTrips[] = [];
      let last: unknown;
      for (let i = 0; i < 2; i++) {
        last = event();
        const before = probe(env);
        await cold.invoke(last);
        trips.push(tripsSince(env, before));
      }
      roundTrips[kind] = { cold: trips[0] as RoundTrips, warm: trips[1] as RoundTrips };
      if (kind === 'deletePod') {
        // SNS redelivers: the same event again is a duplicate, refused by the claim.
        const before = probe(env);
        await cold.invoke(last);
        const dup = tripsSince(env, before);
        roundTrips['skipped (duplicate)'] = { cold: dup, warm: dup };
      }
      await cold.exit();
    }
  }
  return {
    bundles: built
      .map((b) =>
        'file' in b
          ? {
              name: b.name,
              bytes: b.bytes,
              mapBytes: b.mapBytes,
              ...(loadErrors[b.name] ? { error: loadErrors[b.name] } : {}),
            }
          : { name: b.name, error: b.error },
      )
      .concat([{ name: naive.name, bytes: naive.bytes, mapBytes: naive.mapBytes }]),
    load: Object.fromEntries(
      Object.entries(load)
        .filter(([, samples]) => samples.length > 0)
        .map(([name, samples]) => [
          name,
          {
            medianMs: median(samples),
            medianCpuMs: median(loadCpu[name] ?? []),
            samples,
            modules: loadDetail[name]?.modules ?? 0,
            packages: loadDetail[name]?.packages ?? [],
          },
        ]),
    ),
    firstInvocation: Object.fromEntries(
      Object.entries(first).map(([name, e]) => [
        name,
        {
          medianMs: median(e.invoke),
          medianLoadPlusFirstMs: median(e.total),
          medianLoadPlusFirstCpuMs: median(e.cpu),
          samples: e.total,
          trips: e.trips as RoundTrips,
        },
      ]),
    ),
    roundTrips,
    runs: { load: opts.loadRuns, firstInvocation: opts.invokeRuns },
  };
};
