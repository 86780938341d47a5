/**
 * The error family. Each has a stable `code` that goes into audit records and metric dimensions, so an SRE can
 * count and search decisions without parsing messages.
 */
export const ErrorCode = {
  MalformedMessage: 'MALFORMED_MESSAGE',
  TruncatedMessage: 'TRUNCATED_MESSAGE',
  InvalidPolicy: 'INVALID_POLICY',
  Kubernetes: 'KUBERNETES_ERROR',
  UnknownCluster: 'UNKNOWN_CLUSTER',
  ClusterAccess: 'CLUSTER_ACCESS_ERROR',
  Config: 'CONFIG_ERROR',
  Prometheus: 'PROMETHEUS_ERROR',
  // An AWS call of a user-defined action (SSM Automation, Step Functions, Lambda) failed.
  UserAction: 'USER_ACTION_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class: every error remedy raises on purpose is a RemedyError with a code. */
export class RemedyError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RemedyError';
    this.code = code;
  }
}

/** The SNS message is not an Alertmanager notification remedy can trust (non-JSON, truncated, schema-invalid). */
export class AlertParseError extends RemedyError {
  constructor(
    code: typeof ErrorCode.MalformedMessage | typeof ErrorCode.TruncatedMessage,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.name = 'AlertParseError';
  }
}

/** A policy record fails validation; the precise zod path is in the message. */
export class PolicyInvalidError extends RemedyError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.InvalidPolicy, message, options);
    this.name = 'PolicyInvalidError';
  }
}

/**
 * The Kubernetes API refused or failed a call. `retryable` says whether trying again later may succeed
 * (5xx, 429, timeouts, connection errors) or not (401, 403, 422…).
 */
export class KubernetesError extends RemedyError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, opts: { status?: number; retryable: boolean; cause?: unknown }) {
    super(ErrorCode.Kubernetes, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KubernetesError';
    this.status = opts.status;
    this.retryable = opts.retryable;
  }
}

/** A target names a cluster remedy has no connection for. */
export class UnknownClusterError extends RemedyError {
  constructor(cluster: string, known: readonly string[]) {
    super(ErrorCode.UnknownCluster, `unknown cluster "${cluster}" (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownClusterError';
  }
}

/**
 * remedy could not get to a cluster's API: DescribeCluster denied or failing, the cluster not ACTIVE, or
 * AssumeRole refused. The message names the cluster and what is missing.
 */
export class ClusterAccessError extends RemedyError {
  readonly retryable: boolean;
  constructor(message: string, opts: { retryable: boolean; cause?: unknown }) {
    super(ErrorCode.ClusterAccess, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ClusterAccessError';
    this.retryable = opts.retryable;
  }
}

/** Configuration is missing or wrong: raised at cold start, never at 3 a.m. mid-remediation. */
export class ConfigError extends RemedyError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.Config, message, options);
    this.name = 'ConfigError';
  }
}

/** An error names at most this many issues: a 256 KiB message of bad alerts must still fit one audit item. */
export const MAX_REPORTED_ISSUES = 10;
/** Path segments (keys from the input) are cut to this length, for the same reason. */
const MAX_PATH_SEGMENT = 64;

interface Issue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  issues?: ReadonlyArray<Issue>;
}

const segment = (p: PropertyKey): string => {
  if (typeof p === 'number') return `[${p}]`;
  const s = String(p);
  return s.length > MAX_PATH_SEGMENT ? `${s.slice(0, MAX_PATH_SEGMENT)}…` : s;
};

/**
 * Renders zod-style issues as `path.to.field: message; ...` with the path prefix the caller gives: the first
 * MAX_REPORTED_ISSUES, then how many more. An invalid record key shows why the key is invalid.
 */
export const formatIssues = (issues: ReadonlyArray<Issue>, prefix = ''): string => {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = [prefix, ...issue.path.map(segment)].filter(Boolean).join('.').replace(/\.\[/g, '[');
    const nested = issue.code === 'invalid_key' ? (issue.issues ?? []).map((i) => i.message).join(', ') : '';
    return `${path || '(root)'}: ${nested ? `invalid key: ${nested}` : issue.message}`;
  });
  const more = issues.length - shown.length;
  return [...shown, ...(more > 0 ? [`and ${more} more problem(s)`] : [])].join('; ');
};
