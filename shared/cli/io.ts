import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Exit codes: 2 for a command line that cannot be run as typed, 1 for a failure while running it. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/** The process as a command sees it, injected so commands run in tests without touching the real one. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => Date;
}

/** One top-level command (`remedy <name> ...`); `args` are the words after its name. */
export interface CliCommand {
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** The command line is wrong (unknown flag, missing value): exits 2 with the message and a usage hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs with its TypeErrors (unknown option, missing value) turned into UsageErrors. */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message, usage);
    }
    throw error;
  }
}

/** The value of an environment variable, treating empty as unset (as the AWS CLI does for region variables). */
export const envValue = (env: CliIo['env'], name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};
