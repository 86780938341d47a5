// The operator CLI: `remedy <command> [args]`. Each command lives in `commands/<name>.ts` and is imported only
// when it runs, so a kubeconfig exec plugin call does not load every command's dependencies.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './io.js';
import { EXIT, UsageError } from './io.js';

/** Command name → loader; add a line here for a new command. */
export const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  eks: async () => (await import('./commands/eks.js')).eksCommand(),
  policy: async () => (await import('./commands/policies.js')).policiesCommand(),
  policies: async () => (await import('./commands/policies.js')).policiesCommand(),
  platform: async () => (await import('./commands/platform.js')).platformCommand(),
  cluster: async () => (await import('./commands/clusters.js')).clustersCommand(),
  clusters: async () => (await import('./commands/clusters.js')).clustersCommand(),
  audit: async () => (await import('./commands/audit.js')).auditCommand(),
  replay: async () => (await import('./commands/replay.js')).replayCommand(),
  fire: async () => (await import('./commands/fire.js')).fireCommand(),
  pause: async () => (await import('./commands/control.js')).controlCommand('pause'),
  resume: async () => (await import('./commands/control.js')).controlCommand('resume'),
  status: async () => (await import('./commands/control.js')).controlCommand('status'),
  breaker: async () => (await import('./commands/control.js')).controlCommand('breaker'),
  stats: async () => (await import('./commands/stats.js')).statsCommand(),
};

/** One-line descriptions for `remedy --help`, kept here so help does not load every command. */
const SUMMARIES: Readonly<Record<string, string>> = {
  eks: 'EKS helpers: `eks token` prints an ExecCredential (a kubeconfig exec plugin, like aws eks get-token)',
  policy: 'policy files ↔ the policies table: validate, apply, list, get, delete; explain --alert FILE',
  policies: 'the same as `policy`',
  platform: 'the platform layer (defaults, limits, owner teams): show, apply FILE (--dry-run)',
  cluster: 'the clusters registry (logical name → EKS cluster): put, list, remove',
  clusters: 'the same as `cluster`',
  audit: 'recent decisions from the audit (--since 24h, --target, --policy, --json)',
  replay: 'past alerts from the audit through the current policies: what would change (--since 24h)',
  fire: 'publish a test alert to the topic (or the local stack with --local), as Alertmanager would',
  pause: 'the kill switch: stop every action (--reason required)',
  resume: 'lift the kill switch',
  status: 'whether remedy is paused',
  breaker: "a policy's circuit breaker: `breaker status|resume <policy>`",
  stats: 'policy effectiveness: recovered / not recovered / inconclusive, median time to recovery',
};

const usage = () =>
  `usage: remedy <command> [options]\n\ncommands:\n${Object.keys(COMMANDS)
    .map((name) => `  ${name.padEnd(10)}${SUMMARIES[name] ?? ''}`)
    .join('\n')}\n\nrun \`remedy <command> --help\` for a command's options\n`;

/** Parses global flags and the command name, runs the command, and maps errors to exit codes (2 usage, 1 runtime). */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, () => Promise<CliCommand>>> = COMMANDS,
): Promise<number> {
  try {
    // Only flags before the command name are ours; everything after it belongs to the command.
    const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true });
    const first = tokens.find(
      (t) => t.kind === 'positional' || t.kind === 'option' || t.kind === 'option-terminator',
    );
    if (first === undefined || first.kind === 'option-terminator') {
      throw new UsageError('missing command', usage());
    }
    if (first.kind === 'option') {
      if (first.name === 'help' || first.name === 'h') {
        io.stdout(usage());
        return EXIT.ok;
      }
      throw new UsageError(`unknown option ${first.rawName} before the command`, usage());
    }
    const load = Object.hasOwn(commands, first.value) ? commands[first.value] : undefined;
    if (load === undefined) throw new UsageError(`unknown command ${JSON.stringify(first.value)}`, usage());
    const command = await load();
    return await command.run(argv.slice(first.index + 1), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`remedy: ${error.message}\n${error.usage === undefined ? '' : `\n${error.usage}`}`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`remedy: error: ${message}\n`);
    return EXIT.runtime;
  }
}

// Run only as the entry point (`tsx shared/cli/main.ts ...`), not when a test imports runCli.
const isEntryPoint = (argv1: string | undefined): boolean => {
  try {
    return argv1 !== undefined && realpathSync(argv1) === fileURLToPath(import.meta.url);
  } catch {
    return false; // `node -e`, a REPL: argv[1] is not a file
  }
};
/** Runs the CLI as a process: real stdio, the real environment, the exit code set when done. */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  // Node 20 is supported by the AWS SDK until early 2027; keep its notice out of an operator's terminal (and out
  // of kubectl's, when this runs as an exec plugin).
  // biome-ignore lint/style/noProcessEnv: the CLI entry point is where the environment enters.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const io: CliIo = {
    // biome-ignore lint/style/noProcessEnv: the CLI entry point is where the environment enters; commands get it injected.
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    now: () => new Date(),
    interactive,
    ...(interactive ? { ask: askOnTerminal } : {}),
  };
  // exitCode rather than exit(): stdout is a pipe for kubectl, and exit() could cut the credential short.
  runCli(argv, io).then((code) => {
    process.exitCode = code;
  });
}

/** One question on the terminal (stderr, so stdout stays clean for pipes); the answer as typed. */
async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

if (isEntryPoint(process.argv[1])) main();
