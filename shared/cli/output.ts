// Output shared by the table commands: `--output table` (concise, for people) or `--output json` (for scripts).
import { type CliIo, UsageError } from './io.js';

export type OutputFormat = 'table' | 'json';

/** Reads `--output`; anything but table/json is a usage error rather than a silent default. */
export function outputFormat(value: string | undefined, usage: string): OutputFormat {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json') return 'json';
  throw new UsageError(`--output must be table or json, got ${JSON.stringify(value)}`, usage);
}

/** Prints a value as indented JSON with a final newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Makes a stored string safe for a terminal: records come from a table anyone with write access can fill, so
 * control characters (newlines, ANSI escapes) are shown escaped instead of moving the cursor or forging lines.
 */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Left-aligned columns separated by two spaces; the last column is not padded, so long messages fit. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** Key order does not matter to DynamoDB (maps come back in any order), so equality is on sorted keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** `1 problem`, `2 problems`; the plural form is given where English is irregular. */
export const plural = (n: number, word: string, words = `${word}s`): string =>
  `${n} ${n === 1 ? word : words}`;
