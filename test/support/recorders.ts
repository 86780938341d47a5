import type { AuditRecord } from '#domain/audit.js';
import type { Logger, Metrics, Notifier } from '#domain/ports.js';

/** A Notifier that keeps what it was told, optionally failing to simulate an outage. */
export class RecordingNotifier implements Notifier {
  readonly records: AuditRecord[] = [];
  constructor(private readonly fail = false) {}
  async notify(r: AuditRecord): Promise<void> {
    if (this.fail) throw new Error('notifier is down');
    this.records.push(r);
  }
}

/** Metrics that are counted in memory, for assertions. */
export class RecordingMetrics implements Metrics {
  readonly counts: Array<{ name: string; dimensions: Record<string, string>; value: number }> = [];
  count(name: string, dimensions: Record<string, string> = {}, value = 1): void {
    this.counts.push({ name, dimensions, value });
  }
  total(name: string, match: Record<string, string> = {}): number {
    return this.counts
      .filter((c) => c.name === name && Object.entries(match).every(([k, v]) => c.dimensions[k] === v))
      .reduce((sum, c) => sum + c.value, 0);
  }
}

/** A Logger that keeps lines in memory. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  info(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}
