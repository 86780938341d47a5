import type { AuditRecord } from './audit.js';
import type { ClusterEntry } from './cluster/registry.js';
import type { Policy } from './policy/schema.js';
import type { Target } from './target/target.js';

/** Policies by alertname; implementations cache while warm. Invalid records are skipped and reported. */
export interface PolicyStore {
  forAlertname(alertname: string): Promise<Policy[]>;
}

/** The result of trying to claim an alert episode for action. */
export type Claim = { claimed: true; token: string } | { claimed: false; holder: string; at: string };

/** Durable memory of what remedy did: claims (idempotency), audit records and dead letters. */
export interface Ledger {
  /** Claims the episode with a conditional write: exactly one caller wins, whatever arrives twice. */
  claim(key: string, holder: string, now: Date): Promise<Claim>;
  /** Records the final outcome on a claim the caller holds. */
  settle(key: string, token: string, outcome: AuditRecord): Promise<void>;
  /** Gives a claim back (the action did not happen and may be retried). */
  release(key: string, token: string): Promise<void>;
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

/** What the Kubernetes API says about a pod before remedy touches it. */
export interface PodInfo {
  uid: string;
  phase?: string;
  ownerKind?: string;
  ownerName?: string;
}

/** One cluster's API, limited to what remedy's actions need. */
export interface Cluster {
  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined>;
  /** Deletes the pod only if it is still the one with `uid`; returns 'deleted', 'gone' or 'replaced'. */
  deletePod(
    namespace: string,
    name: string,
    uid: string,
    gracePeriodSeconds: number,
    signal?: AbortSignal,
  ): Promise<'deleted' | 'gone' | 'replaced'>;
}

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
