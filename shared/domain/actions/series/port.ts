/** The TSDB admin API of a cluster's self-hosted Prometheus (started with --web.enable-admin-api). */
export interface TsdbAdmin {
  /** POST /api/v1/admin/tsdb/delete_series; answers the Prometheus URL it asked. */
  deleteSeries(
    cluster: string,
    request: { matchers: readonly string[]; start?: Date; end?: Date },
    signal?: AbortSignal,
  ): Promise<{ url: string }>;
  /** POST /api/v1/admin/tsdb/clean_tombstones: frees the disk space now instead of at the next compaction. */
  cleanTombstones(cluster: string, signal?: AbortSignal): Promise<void>;
}

/** The admin API refused or failed. `retryable`: 5xx (not "admin APIs disabled"), 429 or unreachable. */
export class TsdbAdminError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(message: string, opts: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TsdbAdminError';
    this.retryable = opts.retryable;
    this.status = opts.status;
  }
}
