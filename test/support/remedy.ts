import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoLedger } from '#adapters/dynamodb/ledger.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { StaticClusters } from '#adapters/kubernetes/static-clusters.js';
import { validatePolicies } from '#app/apply-policies.js';
import type { RemediationDeps } from '#app/remediate-notification.js';
import type { Budget } from '#domain/guardrails/budget.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '#domain/guardrails/scope.js';
import type { Notifier } from '#domain/ports.js';
import { type Sandbox, startSandbox } from '../../infra/local/sandbox/index.js';
import { createTestTables, type TestTables } from './dynamodb.js';
import { RecordingLogger, RecordingMetrics, RecordingNotifier } from './recorders.js';

export interface RemedyHarness {
  tables: TestTables;
  sandbox: Sandbox;
  deps: RemediationDeps;
  notifier: RecordingNotifier;
  metrics: RecordingMetrics;
  logger: RecordingLogger;
  close(): Promise<void>;
}

/**
 * The real dependency graph for tests: DynamoDB Local tables, a sandbox Kubernetes API over TLS reached by the
 * real client code, recording notifier/metrics/logger. `policies` are validated as a set, then stored.
 */
export const startRemedy = async (
  policies: unknown[],
  options: {
    mode?: 'enforce' | 'dry-run';
    /** A notifier, or a factory for one that keeps its state in the harness's tables (Slack threads, tickets). */
    notifier?: Notifier | ((tables: TestTables) => Notifier);
    clusterBudget?: Budget;
    concurrency?: number;
    /** DynamoDB endpoint; default the test run's shared DynamoDB Local. */
    dynamodbEndpoint?: string;
  } = {},
): Promise<RemedyHarness> => {
  const tables = await createTestTables(options.dynamodbEndpoint);
  const sandbox = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'remedy-sandbox-')) });
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const notifier = new RecordingNotifier();
  const store = new DynamoPolicyStore(tables.doc, tables.policyTable, { logger, metrics, now: Date.now }, 0);
  const validation = validatePolicies(policies.map((document, i) => ({ origin: `policy[${i}]`, document })));
  if (!validation.ok) throw new Error(validation.problems.join('\n'));
  for (const { input } of validation.policies) await store.put(input, new Date().toISOString());
  const deps: RemediationDeps = {
    policies: store,
    ledger: new DynamoLedger(tables.doc, tables.stateTable),
    clusters: new StaticClusters({
      sandbox: { server: sandbox.url, caData: sandbox.caData, token: () => sandbox.token },
    }),
    notifier:
      typeof options.notifier === 'function' ? options.notifier(tables) : (options.notifier ?? notifier),
    metrics,
    logger,
    mode: options.mode ?? 'enforce',
    protectedNamespaces: DEFAULT_PROTECTED_NAMESPACES,
    clusterBudget: options.clusterBudget ?? { count: 1000, perSeconds: 3600 },
    concurrency: options.concurrency ?? 4,
    clock: () => new Date(),
  };
  return {
    tables,
    sandbox,
    deps,
    notifier,
    metrics,
    logger,
    async close() {
      await sandbox.close();
      await tables.drop();
    },
  };
};

/** The example crash-loop policy, with a short grace period. */
export const crashLoopPolicy = {
  name: 'restart-crashlooping-pod',
  match: { alertname: 'KubePodCrashLooping', matchers: ['severity=~"warning|critical"'] },
  priority: 100,
  target: {
    cluster: { fromLabel: 'cluster', default: 'sandbox' },
    namespace: { fromLabel: 'namespace' },
    pod: { fromLabel: 'pod' },
  },
  action: { type: 'deletePod', gracePeriodSeconds: 0 },
};

/** An Alertmanager notification (webhook v4 fields) for the given alerts, as remedy.tmpl renders it. */
export const notification = (
  alerts: Array<{
    labels: Record<string, string>;
    status?: 'firing' | 'resolved';
    fingerprint: string;
    startsAt?: string;
    endsAt?: string;
  }>,
) => ({
  version: '4',
  receiver: 'remedy',
  status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
  alerts: alerts.map((a) => ({
    status: a.status ?? 'firing',
    labels: { alertname: 'KubePodCrashLooping', severity: 'warning', ...a.labels },
    annotations: { summary: 'crash looping' },
    startsAt: a.startsAt ?? '2026-11-25T10:00:00.000Z',
    endsAt: a.endsAt ?? '0001-01-01T00:00:00.000Z',
    generatorURL: 'http://prometheus.local/graph',
    fingerprint: a.fingerprint,
  })),
  groupLabels: { alertname: 'KubePodCrashLooping' },
  commonLabels: { alertname: 'KubePodCrashLooping' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.local',
});
