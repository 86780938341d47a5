import type { AuditRecord } from '#domain/audit.js';
import type { Cluster } from '#domain/ports.js';
import type { Target } from '#domain/target/target.js';

/** The outcome fields of the audit record for a plan carried out (or found moot, refused or blocked). */
export type ExecutionResult = Pick<AuditRecord, 'outcome' | 'code' | 'reason' | 'details'>;
export type Details = NonNullable<AuditRecord['details']>;

/** What an executor works with: the target's cluster, the clock, and the invocation's abort signal. */
export interface ExecutionContext {
  cluster: Cluster;
  now: () => Date;
  signal?: AbortSignal | undefined;
  /** The deciding policy, for marks remedy leaves on objects (a suspended GitOps sync says who did it). */
  policy?: string | undefined;
}

/**
 * Codes of the outcomes an executor reports instead of acting. "skipped" ones are a success for the
 * alert (nothing to do, or not allowed now); "failed" ones returned here are final and never retried.
 */
export const ExecutionCode = {
  /** skipped: the object disappeared before remedy got to it. */
  TargetGone: 'target-gone',
  /** skipped: a new pod took the name (uid precondition failed). */
  TargetReplaced: 'target-replaced',
  /** skipped: a PodDisruptionBudget forbids losing the pod now; never forced. */
  BlockedByPdb: 'blocked-by-pdb',
  /** failed: several budgets select the pod, which the eviction API refuses outright. */
  MultiplePdbs: 'multiple-pdbs',
  /** skipped: the workload already runs the target revision (or was just restarted). */
  AlreadyAtTarget: 'already-at-target',
  /** skipped: the release is older than onlyIfRevisionYoungerThan; notify only. */
  NotFresh: 'not-fresh',
  /** failed: kubectl would refuse too (paused, no history, unknown revision). */
  Refused: 'refused',
  /** failed: the alert's pod is not run by the kind of workload the action needs. */
  OwnerNotFound: 'owner-not-found',
} as const;

/** `demo/web in cluster sandbox` */
export const located = (target: Target, name = target.name): string =>
  `${target.namespace}/${name} in cluster ${target.cluster}`;

/** Images for a reason line: `nginx:1.27` or `app:v2, sidecar:1`. */
export const imageList = (images: readonly string[]): string => images.join(', ') || 'no containers';
