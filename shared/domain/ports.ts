import type { AuditRecord } from './audit.js';
import type { Cluster } from './cluster/port.js';
import type { ClusterEntry } from './cluster/registry.js';
import type { Policy } from './policy/schema.js';
import type { Target } from './target/target.js';
import type { ActionTaken } from './verify/ports.js';

/** Policies by alertname; implementations cache while warm. Invalid records are skipped and reported. */
export interface PolicyStore {
  forAlertname(alertname: string): Promise<Policy[]>;
}

/** Why a reservation was refused; each is a stable audit code. */
export type RefusalCode = 'duplicate' | 'cooldown' | 'budget-exhausted' | 'circuit-open' | 'paused';

/** Everything that must hold, all at once, before remedy acts: one atomic reservation. */
export interface ReservationRequest {
  /** The alert episode (fingerprint + startsAt) and mode: at most one action each. */
  episode: string;
  holder: string;
  now: Date;
  policy: string;
  /** Checked only when enforcing: a dry-run never trips or honours the breaker. */
  checkBreaker: boolean;
  /** `cluster/ns/Kind/name` (+ mode suffix), and how long it stays untouchable once acted on. */
  cooldown: { key: string; seconds: number };
  /** Budget counters to take one unit from (policy, cluster). */
  budgets: ReadonlyArray<{ key: string; limit: number; windowEnd: Date; label: string }>;
}

export type Reservation =
  | { reserved: true; token: string }
  | { reserved: false; code: RefusalCode; reason: string; until?: Date };

/** Durable memory of what remedy did: reservations (idempotency, cooldown, budgets), audit, dead letters. */
export interface Ledger {
  /** Claims the episode and takes the cooldown and budgets in one transaction, or says which check refused. */
  reserve(request: ReservationRequest): Promise<Reservation>;
  /**
   * Records the final outcome on a reservation the caller holds, with its audit record; `actedFor` names the
   * policy whose circuit breaker a success resets; `remember` is the action to keep for verification, written
   * in the same round trip (see VerificationStore.actionTaken).
   */
  settle(
    episode: string,
    token: string,
    outcome: AuditRecord,
    opts?: { actedFor?: string; remember?: ActionTaken },
  ): Promise<void>;
  /** Gives the claim and the cooldown back (the action did not happen and may be retried); budgets stay spent. */
  release(episode: string, token: string, cooldownKey: string): Promise<void>;
  /** Counts a failed action for the policy's circuit breaker; says whether this one opened it. */
  recordFailure(policy: string, threshold: number, now: Date): Promise<{ opened: boolean }>;
  audit(record: AuditRecord): Promise<void>;
  /** Keeps a message remedy refused to act on, with the reason, for an operator to inspect or replay. */
  deadLetter(entry: {
    at: string;
    reason: string;
    code: string;
    messageId: string;
    message: string;
  }): Promise<void>;
}

// The Cluster port (one cluster's API, limited to what remedy's actions need) lives in its own file.
export type { Cluster, EvictionResult, PodInfo, WorkloadPatch } from './cluster/port.js';

/** Connects to the cluster a target names (logical name → API endpoint and credentials). */
export interface Clusters {
  connect(target: Pick<Target, 'cluster'>): Promise<Cluster>;
}

/** Tells humans what remedy decided; best effort, never blocks or undoes a remediation. */
export interface Notifier {
  notify(record: AuditRecord): Promise<void>;
}

/** Counters that end up as CloudWatch metrics (EMF). */
export interface Metrics {
  count(name: string, dimensions?: Record<string, string>, value?: number): void;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The clusters registry: logical cluster name → EKS cluster, region, role. */
export interface ClusterRegistry {
  get(name: string): Promise<ClusterEntry | undefined>;
  list(): Promise<ClusterEntry[]>;
}

/** One sample of an instant query's answer (a scalar answers as one sample with no labels). */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** Instant PromQL queries against the Prometheus that watches a cluster (self-hosted or Amazon Managed). */
export interface PrometheusQueries {
  /** Throws a RemedyError (PROMETHEUS_ERROR) on HTTP, auth or parse errors, or no Prometheus for the cluster. */
  instantQuery(cluster: string, promql: string, signal?: AbortSignal): Promise<PromSample[]>;
}
