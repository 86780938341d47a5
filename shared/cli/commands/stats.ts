import { formatDuration } from '#domain/actions/duration.js';
import type { PolicyStats } from '#domain/verify/stats.js';
import { type CliCommand, EXIT, parseCommandArgs, parseTimeFlag } from '../io.js';
import { formatTable, printJson } from '../output.js';
import { failed, type TableDeps, withTable } from '../table-session.js';
import { resolveTableTarget } from '../table-target.js';

export const STATS_USAGE = `usage: remedy stats [--policy NAME] [--since 7d] [--json] [--local]

Whether remedy's actions help: per policy, the verdicts of the checks after acting (policy \`verify\`) over the
actions taken since --since, and the median time from action to recovery.

  recovered       the check after acting passed (alert resolved, rollout complete, PromQL condition met)
  not-recovered   it did not: a human should look (and, with \`quarantine\`, enough of them pause the policy)
  inconclusive    remedy could not tell (cluster or Prometheus unreachable, no data)
  unverified      acted, no verdict (yet): no \`verify\`, or the followup is still due

options:
  --policy NAME        one policy (one Query); default: every policy that acted
  --since WHEN         a duration ago (24h, 7d, 2w) or a timestamp; default 7d
  --json               machine-readable
  --table-state NAME   default: STATE_TABLE
  --endpoint URL       DynamoDB endpoint; default: DYNAMODB_ENDPOINT, else AWS's
  --region REGION      default: AWS_REGION, else us-east-1
  --local              the local stack (.remedy/local.json, written by \`npm start\`)
`;

const OPTIONS = {
  policy: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
  'table-state': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `remedy stats`: policy effectiveness from the OUTCOMES#<policy> items (one Query per policy). */
export function statsCommand(deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const { values } = parseCommandArgs({ args: [...args], options: OPTIONS, strict: true }, STATS_USAGE);
      if (values.help) {
        io.stdout(STATS_USAGE);
        return EXIT.ok;
      }
      const now = io.now();
      const since = parseTimeFlag('--since', values.since ?? '7d', now, STATS_USAGE);
      const target = await resolveTableTarget(
        {
          table: values['table-state'],
          endpoint: values.endpoint,
          region: values.region,
          local: values.local,
        },
        io,
        STATS_USAGE,
        'state',
      );
      const [{ DynamoOutcomes }, { summarize }] = await Promise.all([
        import('#adapters/dynamodb/outcomes.js'),
        import('#domain/verify/stats.js'),
      ]);
      const stats = await withTable(target, deps, async (doc) => {
        const store = new DynamoOutcomes(doc, target.table);
        const policies = values.policy ? [values.policy] : (await store.policies()).sort();
        return Promise.all(
          policies.map(async (p) => summarize(p, await store.entries(p, since.toISOString()))),
        );
      }).catch(failed('read policy outcomes from', target));
      if (values.json || values.output === 'json') {
        printJson(io, { since: since.toISOString(), until: now.toISOString(), policies: stats });
        return EXIT.ok;
      }
      if (stats.length === 0) {
        io.stdout(`no actions recorded since ${since.toISOString()}\n`);
        return EXIT.ok;
      }
      io.stdout(`since ${since.toISOString()}\n${formatTable(HEADERS, stats.map(row))}\n`);
      return EXIT.ok;
    },
  };
}

const HEADERS = [
  'POLICY',
  'ACTIONS',
  'RECOVERED',
  'NOT RECOVERED',
  'INCONCLUSIVE',
  'UNVERIFIED',
  'RECOVERY RATE',
  'MEDIAN TO RECOVERY',
] as const;

const row = (s: PolicyStats): string[] => [
  s.policy,
  String(s.actions),
  String(s.recovered),
  String(s.notRecovered),
  String(s.inconclusive),
  String(s.unverified),
  s.recoveryRate === undefined ? '—' : `${Math.round(s.recoveryRate * 100)}%`,
  s.medianSecondsToRecovery === undefined ? '—' : formatDuration(s.medianSecondsToRecovery),
];
