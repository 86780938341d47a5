import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Exit codes: 2 for a command line that cannot be run as typed, 1 for a failure while running it. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/** The process as a command sees it, injected so commands run in tests without touching the real one. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => Date;
  /** A person at a terminal can answer questions (stdin and stderr are TTYs). */
  readonly interactive?: boolean;
  /** Asks one question on the terminal and returns the answer; only when interactive. */
  readonly ask?: (question: string) => Promise<string>;
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

/**
 * Asks before a change: `--yes` answers for scripts; at a terminal the operator types y; without a terminal and
 * without --yes the command refuses (exit 2) rather than guess what a pipeline meant.
 */
export async function confirm(io: CliIo, question: string, yes: boolean, usage: string): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive || io.ask === undefined)
    throw new UsageError('no terminal to confirm on: pass --yes to confirm from a script', usage);
  const answer = await io.ask(`${question} [y/N] `);
  return /^\s*y(es)?\s*$/i.test(answer);
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * A point in time from the command line: a duration ago (`90s`, `15m`, `24h`, `7d`, `1w`, `1h30m`) or an
 * RFC 3339 timestamp. Anything else is a usage error naming the flag.
 */
export function parseTimeFlag(flag: string, value: string, now: Date, usage: string): Date {
  const trimmed = value.trim();
  if (/^(\d+[smhdw])+$/.test(trimmed)) {
    let seconds = 0;
    for (const [, n, unit] of trimmed.matchAll(/(\d+)([smhdw])/g))
      seconds += Number(n) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
    return new Date(now.getTime() - seconds * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(trimmed)) {
    const at = new Date(trimmed);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new UsageError(
    `${flag} must be a duration ago (30m, 24h, 7d) or a timestamp (2026-11-25T10:00:00Z), got ${JSON.stringify(value)}`,
    usage,
  );
}

/** A positive whole number from the command line, or a usage error naming the flag. */
export function parseCountFlag(flag: string, value: string, usage: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`, usage);
  return Number(value);
}
