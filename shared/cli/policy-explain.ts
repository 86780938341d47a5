// `remedy policy explain --alert FILE`: for each alert of the file, the policies considered (winner and losers),
// the target, the action, every guardrail as the state table has it now, and the verdict. Reads only.
import { readFile } from 'node:fs/promises';
import { type AlertExplanation, explainAlert } from '#app/explain.js';
import { describePlan } from '#domain/actions/plan.js';
import { type Alert, alertSchema, notificationSchema } from '#domain/alert/schema.js';
import { formatIssues } from '#domain/errors.js';
import type { Source } from '#domain/policy/platform.js';
import { targetRef } from '#domain/target/target.js';
import { resolveStateTable, STATE_TABLE_OPTIONS, STATE_TABLE_USAGE } from './audit-options.js';
import {
  DECISION_OPTIONS,
  DECISION_USAGE,
  decisionSettings,
  withDecisionPolicies,
} from './decision-inputs.js';
import { alertFingerprint } from './fire-message.js';
import { type CliIo, EXIT, parseCommandArgs, UsageError } from './io.js';
import { cell, formatTable, outputFormat, printJson } from './output.js';
import { failed, type TableDeps, withTable } from './table-session.js';

export const EXPLAIN_USAGE = `usage: remedy policy explain --alert FILE [options]

What remedy would do with an alert now, and why: which policy matches (and which lost, and why), the target it
resolves, the action, and which guardrail would stop it (kill switch, circuit breaker, episode claim, cooldown,
budgets, read from the state table; nothing is reserved or written), in which mode.

FILE is JSON: an Alertmanager notification (what remedy.tmpl sends, e.g.
infra/local/examples/crashloop-notification.json; every alert is explained) or one alert ({"labels": {…}};
status, startsAt and fingerprint default to firing, now and Alertmanager's fingerprint of the labels).
\`remedy fire --print … > alert.json\` writes one.

  --alert FILE
  --output table|json  default: table

${DECISION_USAGE}

${STATE_TABLE_USAGE}
`;

/** Reads the alerts of FILE; a file that is neither a notification nor an alert is a usage error naming the field. */
export async function readAlertFile(file: string, now: Date): Promise<Alert[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --alert ${file}: ${(error as Error).message}`, EXPLAIN_USAGE);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--alert ${file} is not JSON: ${(error as Error).message}`, EXPLAIN_USAGE);
  }
  if (typeof json === 'object' && json !== null && 'alerts' in json) {
    const parsed = notificationSchema.safeParse(json);
    if (!parsed.success)
      throw new UsageError(
        `--alert ${file}: ${formatIssues(parsed.error.issues, 'notification')}`,
        EXPLAIN_USAGE,
      );
    return parsed.data.alerts;
  }
  const alert = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const labels = (typeof alert.labels === 'object' && alert.labels !== null ? alert.labels : {}) as Record<
    string,
    string
  >;
  const parsed = alertSchema.safeParse({
    status: 'firing',
    startsAt: now.toISOString(),
    fingerprint: alertFingerprint(labels),
    ...alert,
  });
  if (!parsed.success)
    throw new UsageError(`--alert ${file}: ${formatIssues(parsed.error.issues, 'alert')}`, EXPLAIN_USAGE);
  return [parsed.data];
}

export async function explainCommand(args: readonly string[], io: CliIo, deps: TableDeps): Promise<number> {
  const { values } = parseCommandArgs(
    {
      args: [...args],
      options: {
        ...STATE_TABLE_OPTIONS,
        ...DECISION_OPTIONS,
        alert: { type: 'string' },
        output: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    },
    EXPLAIN_USAGE,
  );
  if (values.help) {
    io.stdout(EXPLAIN_USAGE);
    return EXIT.ok;
  }
  const format = outputFormat(values.output, EXPLAIN_USAGE);
  if (values.alert === undefined) throw new UsageError('name the alert: --alert FILE', EXPLAIN_USAGE);
  const now = io.now();
  const alerts = await readAlertFile(values.alert, now);
  const settings = await decisionSettings(values, io, EXPLAIN_USAGE);
  const stateTable = await resolveStateTable(values, io, EXPLAIN_USAGE);
  const { DynamoGuardrailReader } = await import('#adapters/dynamodb/guardrail-reader.js');

  const reports = await withDecisionPolicies(values, io, deps, EXPLAIN_USAGE, (policies) =>
    withTable(stateTable, deps, async (doc) => {
      const state = new DynamoGuardrailReader(doc, stateTable.table);
      const out: Array<{
        explanation: AlertExplanation;
        sources?: Record<string, Source>;
        adjusted?: string[];
      }> = [];
      for (const alert of alerts) {
        const candidates = await policies.forAlertname(alert.labels.alertname ?? '');
        const explanation = await explainAlert(alert, candidates, { ...settings, now }, state).catch(
          failed('read the guardrails from', stateTable),
        );
        const provenance = explanation.policy ? await policies.provenance(explanation.policy) : undefined;
        out.push({ explanation, ...(provenance ?? {}) });
      }
      return { source: policies.source, out };
    }),
  );

  if (format === 'json') {
    printJson(
      io,
      reports.out.map(({ explanation: e, sources, adjusted }) => ({
        alertname: e.alertname,
        status: e.status,
        episode: e.episode,
        mode: e.mode,
        modeSource: settings.modeSource,
        policies: reports.source,
        candidates: e.candidates,
        policy: e.policy?.name,
        ...(sources ? { sources } : {}),
        ...(adjusted && adjusted.length > 0 ? { adjustedByPlatform: adjusted } : {}),
        target: e.target ? targetRef(e.target) : undefined,
        plan: e.plan,
        dryRun: e.dryRun,
        guardrails: e.guardrails,
        verdict: e.verdict,
      })),
    );
  } else {
    io.stdout(
      reports.out
        .map((r) =>
          renderExplanation(r.explanation, {
            modeSource: settings.modeSource,
            policiesSource: reports.source,
            stateTable: stateTable.table,
            ...(r.sources ? { sources: r.sources } : {}),
            ...(r.adjusted ? { adjusted: r.adjusted } : {}),
          }),
        )
        .join('\n'),
    );
  }
  return EXIT.ok;
}

/** The explanation for a person: one section per question an SRE asks, the verdict last. */
export function renderExplanation(
  e: AlertExplanation,
  context: {
    modeSource: string;
    policiesSource: string;
    stateTable: string;
    sources?: Record<string, Source>;
    adjusted?: string[];
  },
): string {
  const lines: string[] = [];
  lines.push(`alert ${cell(e.alertname)} (${e.status}), episode ${cell(e.episode)}`);
  lines.push(`mode: ${e.mode} (${context.modeSource})`);
  lines.push(`policies for ${cell(e.alertname)} (${context.policiesSource}):`);
  if (e.candidates.length === 0) lines.push('  none');
  else
    lines.push(
      formatTable(
        ['', 'POLICY', 'PRIORITY', 'WHY'],
        e.candidates.map((c) => [
          c.chosen ? '→' : c.matched ? '=' : '✗',
          cell(c.policy),
          String(c.priority),
          cell(c.why),
        ]),
      )
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  if (e.target) lines.push(`target: ${cell(targetRef(e.target))}`);
  if (e.plan)
    lines.push(`action: ${cell(describePlan(e.plan))}${e.dryRun ? ' (dry-run: recorded, not done)' : ''}`);
  if (context.sources && e.policy) {
    // Provenance of the values that shape the action: the rest of the document is in `policy get`.
    const interesting = Object.entries(context.sources).filter(
      ([path]) => path.startsWith('guard.') || path.startsWith('action.') || path.startsWith('notify.'),
    );
    lines.push(`effective policy ${cell(e.policy.name)} (where each value comes from):`);
    for (const [path, source] of interesting)
      lines.push(`  ${path.padEnd(40)} ${JSON.stringify(valueAt(e.policy, path)) ?? '-'}  ← ${source}`);
    for (const a of context.adjusted ?? []) lines.push(`  platform: ${cell(a)}`);
  }
  // The function asks Prometheus before it reserves anything; explain never queries, so it says so.
  const analysis = (e.policy as { analysis?: { query?: unknown; condition?: unknown } } | undefined)
    ?.analysis;
  if (analysis !== undefined && e.plan !== undefined)
    lines.push(
      `analysis: before acting the function checks ${cell(analysis.query)} ${cell(analysis.condition)} in Prometheus (not run by explain); a "no" skips the action`,
    );
  if (e.guardrails.length > 0) {
    lines.push(`guardrails (read now from ${context.stateTable}):`);
    lines.push(
      formatTable(
        ['', 'GUARDRAIL', 'NOW'],
        e.guardrails.map((g) => [g.pass ? 'ok' : 'STOP', g.name, cell(g.detail)]),
      )
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  lines.push(`verdict: ${e.verdict.outcome} ${cell(e.verdict.code)}: ${cell(e.verdict.reason)}`);
  return `${lines.join('\n')}\n`;
}

const valueAt = (value: unknown, path: string): unknown => {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at instanceof RegExp ? String(at) : at;
};
