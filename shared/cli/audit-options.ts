// Flags shared by the commands that read the audit (`audit`, `replay`): the state table and the time span.
import type { AuditQuery } from '#adapters/dynamodb/audit-reader.js';
import { type CliIo, parseTimeFlag, UsageError } from './io.js';
import { resolveTableTarget, type TableTarget } from './table-target.js';

export const STATE_TABLE_OPTIONS = {
  'table-state': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const STATE_TABLE_USAGE = `state table options:
  --table-state NAME   the state table (audit, guardrails); default: STATE_TABLE
  --endpoint URL       DynamoDB endpoint; default: DYNAMODB_ENDPOINT, else AWS's
  --region REGION      default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1
  --local              the local stack (.remedy/local.json, written by \`npm start\`)`;

export const resolveStateTable = (
  values: { 'table-state'?: string; endpoint?: string; region?: string; local?: boolean },
  io: CliIo,
  usage: string,
): Promise<TableTarget> =>
  resolveTableTarget(
    { table: values['table-state'], endpoint: values.endpoint, region: values.region, local: values.local },
    io,
    usage,
    'state',
  );

const KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet']);

/** `--target`: `cluster/namespace/Kind/name` as the audit keys it, or `alert/<alertname>` for target-less records. */
export function parseTargetFlag(value: string, usage: string): string {
  const parts = value.split('/');
  if (parts.length === 2 && parts[0] === 'alert' && parts[1]) return value;
  if (parts.length === 4 && parts.every((p) => p.length > 0) && KINDS.has(parts[2] ?? '')) return value;
  throw new UsageError(
    `--target must be cluster/namespace/Kind/name (Kind: Pod, Deployment, StatefulSet, DaemonSet) or alert/<alertname>, got ${JSON.stringify(value)}`,
    usage,
  );
}

/** The span from --since (default 24h) and --until (default now); an empty span is a usage error. */
export function parseSpan(
  values: { since?: string; until?: string },
  io: CliIo,
  usage: string,
): Pick<AuditQuery, 'since' | 'until'> & { until: Date } {
  const now = io.now();
  const since = parseTimeFlag('--since', values.since ?? '24h', now, usage);
  const until = values.until === undefined ? now : parseTimeFlag('--until', values.until, now, usage);
  if (since > until) throw new UsageError('--since is after --until: nothing to read', usage);
  return { since, until };
}

/** Progress on stderr for long scans: a line per PROGRESS_EVERY items read, so a big span shows it is alive. */
export const PROGRESS_EVERY = 5000;
export const progressReporter = (io: CliIo) => {
  let next = PROGRESS_EVERY;
  return ({ scanned, day }: { scanned: number; day?: string }) => {
    if (scanned < next) return;
    next = scanned + PROGRESS_EVERY;
    io.stderr(`remedy: read ${scanned} audit records${day ? ` (at ${day})` : ''}…\n`);
  };
};
