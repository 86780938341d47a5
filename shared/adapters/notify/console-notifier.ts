import type { AuditRecord } from '#domain/audit.js';
import { OUTCOME_ICON as ICONS } from '#domain/notify/text.js';
import type { Notifier } from '#domain/ports.js';

/** One readable line per decision on a stream (stderr by default); the local stack's stand-in for Slack. */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {}

  async notify(r: AuditRecord): Promise<void> {
    const who = [r.alertname, r.policy && `policy=${r.policy}`].filter(Boolean).join(' ');
    const mode = r.mode === 'dry-run' ? '[DRY-RUN] ' : '';
    this.write(`[remedy] ${mode}${ICONS[r.outcome]} ${r.outcome.toUpperCase()} ${who}: ${r.reason}`);
  }
}
