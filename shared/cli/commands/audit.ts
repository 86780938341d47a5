import type { AuditRecord } from '#domain/audit.js';
import { targetRef } from '#domain/target/target.js';
import {
  parseSpan,
  parseTargetFlag,
  progressReporter,
  resolveStateTable,
  STATE_TABLE_OPTIONS,
  STATE_TABLE_USAGE,
} from '../audit-options.js';
import { type CliCommand, EXIT, parseCommandArgs, parseCountFlag } from '../io.js';
import { cell, formatTable } from '../output.js';
import { failed, type TableDeps, withTable } from '../table-session.js';

export const AUDIT_USAGE = `usage: remedy audit [options]

Recent decisions from the audit, oldest first: every alert remedy saw, what it did or why it did not.

  --since TIME         from (30m, 24h, 7d ago, or RFC 3339); default: 24h
  --until TIME         to; default: now
  --target REF         one target's history: cluster/namespace/Kind/name (e.g. sandbox/demo/Pod/web-1), or
                       alert/<alertname> for decisions without a target
  --policy NAME        only this policy's decisions
  --limit N            at most the last N decisions; default: 100
  --json               one JSON object per line (the audit record as stored)

${STATE_TABLE_USAGE}
`;

const DEFAULT_LIMIT = 100;

/** `remedy audit`: the audit as a table for people or JSON lines for scripts. */
export function auditCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const { values } = parseCommandArgs(
        {
          args: [...args],
          options: {
            ...STATE_TABLE_OPTIONS,
            since: { type: 'string' },
            until: { type: 'string' },
            target: { type: 'string' },
            policy: { type: 'string' },
            limit: { type: 'string' },
            json: { type: 'boolean' },
          },
          strict: true,
          allowPositionals: false,
        },
        AUDIT_USAGE,
      );
      if (values.help) {
        io.stdout(AUDIT_USAGE);
        return EXIT.ok;
      }
      const span = parseSpan(values, io, AUDIT_USAGE);
      const target = values.target === undefined ? undefined : parseTargetFlag(values.target, AUDIT_USAGE);
      const limit =
        values.limit === undefined ? DEFAULT_LIMIT : parseCountFlag('--limit', values.limit, AUDIT_USAGE);
      const table = await resolveStateTable(values, io, AUDIT_USAGE);
      const { readRecentAudit } = await import('#adapters/dynamodb/audit-reader.js');
      // The last N: read newest first, print oldest first, so the latest decision is next to the prompt.
      const records = await withTable(table, deps, async (doc) => {
        const out: AuditRecord[] = [];
        const read = readRecentAudit(doc, table.table, {
          ...span,
          ...(target === undefined ? {} : { target }),
          ...(values.policy === undefined ? {} : { policy: values.policy }),
          limit: limit + 1,
          order: 'newest-first',
          onProgress: progressReporter(io),
        });
        try {
          for await (const record of read) out.push(record);
        } catch (error) {
          failed('read the audit from', table)(error);
        }
        return out;
      });
      const more = records.length > limit;
      const shown = records.slice(0, limit).reverse();
      if (values.json) io.stdout(shown.map((r) => `${JSON.stringify(r)}\n`).join(''));
      else if (shown.length === 0)
        io.stdout(`no decisions between ${span.since.toISOString()} and ${span.until.toISOString()}\n`);
      else io.stdout(renderAuditTable(shown));
      if (more)
        io.stderr(`remedy: showing the last ${limit} decisions; --limit or a shorter --since for others\n`);
      return EXIT.ok;
    },
  };
}

/** AT, OUTCOME, CODE, POLICY, TARGET, REASON; stored text is escaped for the terminal. */
export function renderAuditTable(records: readonly AuditRecord[]): string {
  return formatTable(
    ['AT', 'OUTCOME', 'CODE', 'POLICY', 'TARGET', 'REASON'],
    records.map((r) => [
      cell(r.at),
      cell(r.outcome) + (r.mode === 'dry-run' && r.outcome !== 'would-act' ? ' (dry-run)' : ''),
      cell(r.code),
      cell(r.policy),
      r.target ? cell(targetRef(r.target)) : cell(r.alertname ? `alert/${r.alertname}` : undefined),
      cell(r.reason),
    ]),
  );
}
