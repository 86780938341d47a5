import { type CliCommand, EXIT, envValue, parseCommandArgs, UsageError } from '../io.js';
import { printJson } from '../output.js';
import { failed, type TableDeps, withTable } from '../table-session.js';
import { resolveTableTarget } from '../table-target.js';

const STATE_OPTIONS = {
  'table-state': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean' },
  output: { type: 'string' },
  by: { type: 'string' },
  reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CONTROL_USAGE = `usage:
  remedy pause --reason TEXT [--by NAME]    stop every action (kill switch), from the next reservation on
  remedy resume [--by NAME]                 lift the kill switch
  remedy status                             whether remedy is paused, by whom and why
  remedy breaker status <policy>            a policy's circuit breaker: open?, consecutive failures
  remedy breaker resume <policy> [--by NAME]  close an open breaker (after fixing what made the actions fail)

state table options:
  --table-state NAME   default: STATE_TABLE
  --endpoint URL       DynamoDB endpoint; default: DYNAMODB_ENDPOINT, else AWS's
  --region REGION      default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1
  --local              the local stack (.remedy/local.json, written by \`npm start\`)
  --output table|json  default: table
  --by NAME            who did it, recorded with the change; default: $USER

Emergency stop without DynamoDB: set the function's reserved concurrency to 0
  (aws lambda put-function-concurrency --function-name <name> --reserved-concurrent-executions 0).
`;

type Verb = 'pause' | 'resume' | 'status' | 'breaker';

/** `remedy pause|resume|status|breaker`: the kill switch and per-policy circuit breakers in the state table. */
export function controlCommand(verb: Verb, deps: TableDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(
        { args: [...args], options: STATE_OPTIONS, strict: true, allowPositionals: true },
        CONTROL_USAGE,
      );
      if (values.help) {
        io.stdout(CONTROL_USAGE);
        return EXIT.ok;
      }
      const by = values.by ?? envValue(io.env, 'USER') ?? 'unknown';
      const flags = {
        table: values['table-state'],
        endpoint: values.endpoint,
        region: values.region,
        local: values.local,
      };
      if (verb === 'pause' && !values.reason)
        throw new UsageError('pause needs --reason: say why, for the audit', CONTROL_USAGE);
      const [sub, policy] = positionals;
      if (verb === 'breaker' && (!['status', 'resume'].includes(sub ?? '') || !policy)) {
        throw new UsageError('usage: remedy breaker status|resume <policy>', CONTROL_USAGE);
      }
      const target = await resolveTableTarget(flags, io, CONTROL_USAGE, 'state');
      const { DynamoControls } = await import('#adapters/dynamodb/controls.js');
      return withTable(target, deps, async (doc) => {
        const controls = new DynamoControls(doc, target.table);
        const fail = failed(`update ${verb} in`, target);
        if (verb === 'pause') {
          await controls.pause(values.reason ?? '', by, io.now()).catch(fail);
          io.stdout(
            `remedy is PAUSED: no action will be taken until \`remedy resume\` (${values.reason}).\n`,
          );
        } else if (verb === 'resume') {
          await controls.resume(by, io.now()).catch(fail);
          io.stdout('remedy is running: actions resume from the next alert.\n');
        } else if (verb === 'status') {
          const state = await controls.pauseState().catch(fail);
          if (values.output === 'json') printJson(io, state);
          else
            io.stdout(
              state.paused
                ? `PAUSED by ${state.by} at ${state.at}: ${state.reason}\n`
                : 'running (not paused)\n',
            );
        } else if (sub === 'resume') {
          await controls.resumePolicy(policy ?? '', by, io.now()).catch(fail);
          io.stdout(`circuit breaker of policy ${policy} closed; its actions resume from the next alert.\n`);
        } else {
          const state = await controls.breaker(policy ?? '').catch(fail);
          if (values.output === 'json') printJson(io, state);
          else {
            const since = state.openedAt ? ` since ${state.openedAt} (${state.reason})` : '';
            io.stdout(
              `${policy}: ${state.isOpen ? `OPEN${since}` : 'closed'}, ${state.consecutiveFailures} consecutive failure(s)\n`,
            );
          }
        }
        return EXIT.ok;
      });
    },
  };
}
