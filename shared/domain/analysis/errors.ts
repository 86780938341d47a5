import { ErrorCode, RemedyError } from '../errors.js';

/**
 * Prometheus could not answer a query: unreachable, refused (auth), an HTTP or PromQL error, an answer remedy
 * cannot parse, or no Prometheus configured for the cluster. `status` is the HTTP status when there was one.
 */
export class PrometheusError extends RemedyError {
  readonly status: number | undefined;
  constructor(message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(ErrorCode.Prometheus, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PrometheusError';
    this.status = opts.status;
  }
}

/** No Prometheus is configured for the cluster: a check cannot be asked, whatever the policy's `onError` says. */
export class PrometheusUnavailableError extends PrometheusError {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusUnavailableError';
  }
}
