import { describeDecision, type ReplayedAlert, ReplayTally, replayRecord } from '#app/replay.js';
import {
  parseSpan,
  progressReporter,
  resolveStateTable,
  STATE_TABLE_OPTIONS,
  STATE_TABLE_USAGE,
} from '../audit-options.js';
import {
  DECISION_OPTIONS,
  DECISION_USAGE,
  decisionSettings,
  withDecisionPolicies,
} from '../decision-inputs.js';
import { type CliCommand, EXIT, parseCommandArgs } from '../io.js';
import { cell, formatTable, plural } from '../output.js';
import { failed, type TableDeps, withTable } from '../table-session.js';

export const REPLAY_USAGE = `usage: remedy replay [options]

Runs the alerts of the audit through the CURRENT policies (the function's own decision, read-only) and shows,
per alert, what was decided then and what would be decided now, then a summary of what changed. Only the policy
decision is replayed (which policy, which action, on what, or which skip); guardrails and the cluster are not:
an alert skipped then by a cooldown counts as unchanged if the same policy would still act.

  --since TIME         from (30m, 24h, 7d ago, or RFC 3339); default: 24h
  --until TIME         to; default: now
  --policy NAME        only alerts this policy decided then or would decide now
  --changed            only the alerts whose decision changes
  --json               one JSON object per alert, then the summary ({"summary": …})

${DECISION_USAGE}

${STATE_TABLE_USAGE}
`;

/** `remedy replay`: what the current policies would have done with past alerts. */
export function replayCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const { values } = parseCommandArgs(
        {
          args: [...args],
          options: {
            ...STATE_TABLE_OPTIONS,
            ...DECISION_OPTIONS,
            since: { type: 'string' },
            until: { type: 'string' },
            policy: { type: 'string' },
            changed: { type: 'boolean' },
            json: { type: 'boolean' },
          },
          strict: true,
          allowPositionals: false,
        },
        REPLAY_USAGE,
      );
      if (values.help) {
        io.stdout(REPLAY_USAGE);
        return EXIT.ok;
      }
      const span = parseSpan(values, io, REPLAY_USAGE);
      const settings = await decisionSettings(values, io, REPLAY_USAGE);
      const stateTable = await resolveStateTable(values, io, REPLAY_USAGE);
      const { readRecentAudit } = await import('#adapters/dynamodb/audit-reader.js');
      const tally = new ReplayTally();
      const rows: ReplayedAlert[] = [];
      const show = (a: ReplayedAlert) => {
        if (values.changed && !a.changed) return;
        if (values.json) io.stdout(`${JSON.stringify(a)}\n`);
        else rows.push(a);
      };
      const source = await withDecisionPolicies(values, io, deps, REPLAY_USAGE, (policies) =>
        withTable(stateTable, deps, async (doc) => {
          const records = readRecentAudit(doc, stateTable.table, {
            ...span,
            order: 'oldest-first',
            onProgress: progressReporter(io),
          });
          try {
            for await (const record of records) {
              const current = await policies.forAlertname(
                record.alertname ?? record.alert?.labels.alertname ?? '',
              );
              const result = replayRecord(record, current, settings);
              if (values.policy !== undefined && !concerns(result, values.policy)) continue;
              tally.add(result);
              if (result.ok) show(result.alert);
            }
          } catch (error) {
            failed('read the audit from', stateTable)(error);
          }
          return policies.source;
        }),
      );
      const summary = tally.summary();
      if (values.json) {
        // The last JSON line: the stream stays one object per line.
        io.stdout(`${JSON.stringify({ summary: { ...summary, mode: settings.mode, policies: source } })}\n`);
        return EXIT.ok;
      }
      if (rows.length > 0) io.stdout(renderReplayTable(rows));
      io.stdout(
        `${renderReplaySummary(summary)} (policies: ${source}; mode ${settings.mode}, ${settings.modeSource}; ${span.since.toISOString()} → ${span.until.toISOString()})\n`,
      );
      for (const move of summary.changes)
        io.stdout(`  ${String(move.alerts).padStart(5)} × ${cell(move.from)} → ${cell(move.to)}\n`);
      return EXIT.ok;
    },
  };
}

const concerns = (result: ReturnType<typeof replayRecord>, policy: string): boolean => {
  if (!result.ok) return false;
  const { recorded, now } = result.alert;
  const policyOf = (d: typeof now) => (d.kind === 'resolved' ? undefined : d.policy);
  return policyOf(recorded.decision) === policy || policyOf(now) === policy;
};

export function renderReplayTable(rows: readonly ReplayedAlert[]): string {
  return formatTable(
    ['AT', 'ALERT', 'THEN', 'NOW', ''],
    rows.map((r) => [
      cell(r.at),
      cell(r.alertname),
      `${cell(r.recorded.outcome)} ${cell(r.recorded.code)}`,
      cell(describeDecision(r.now)),
      r.changed ? 'CHANGED' : '',
    ]),
  );
}

export function renderReplaySummary(s: ReturnType<ReplayTally['summary']>): string {
  const skipped = s.notReplayable > 0 ? `, ${s.notReplayable} not replayable (no alert recorded)` : '';
  return `${plural(s.replayed, 'alert')} replayed: ${s.changed} changed, ${s.unchanged} unchanged${skipped}`;
}
