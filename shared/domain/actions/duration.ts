import { z } from 'zod';

/**
 * Durations in policies, written as Prometheus and Alertmanager write them (`30m`, `1h30m`, `2d`): whole
 * numbers, each followed by a unit, units from largest to smallest and each at most once. Fractions and
 * milliseconds are refused because every consumer counts whole seconds.
 */
const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const UNITS = Object.keys(UNIT_SECONDS) as Unit[];
const UNIT_LIST = 'w, d, h, m or s';

/** Longer than any policy could mean, short enough that the sum stays an exact integer. */
export const MAX_DURATION_SECONDS = 10 * 366 * UNIT_SECONDS.d;

const isUnit = (u: string): u is Unit => Object.hasOwn(UNIT_SECONDS, u);

const invalid = (text: string, why: string): Error =>
  new Error(`invalid duration ${JSON.stringify(text)}: ${why}`);

/** Parses `1h30m` into seconds (5400); throws an Error naming what is wrong with the text. */
export const parseDuration = (text: string): number => {
  if (text === '') throw invalid(text, 'empty; write e.g. 30m, 1h30m or 2d');
  // Prometheus accepts a bare 0; any other bare number is ambiguous (seconds? minutes?).
  if (text === '0') return 0;
  if (text.startsWith('-')) throw invalid(text, 'a duration cannot be negative');
  let seconds = 0;
  let previous = -1;
  for (const [whole, digits = '', unit = ''] of text.matchAll(/(\d*)(\D*)/g)) {
    if (whole === '') break;
    const quoted = JSON.stringify(unit);
    if (digits === '') throw invalid(text, `${quoted} has no number before it`);
    if (unit === '') throw invalid(text, `${JSON.stringify(digits)} has no unit (use ${UNIT_LIST})`);
    if (unit.startsWith('.')) throw invalid(text, 'fractions are not allowed (write 90m, not 1.5h)');
    if (!isUnit(unit)) throw invalid(text, `unknown unit ${quoted} (use ${UNIT_LIST})`);
    const rank = UNITS.indexOf(unit);
    if (rank === previous) throw invalid(text, `unit ${quoted} appears twice`);
    if (rank < previous) throw invalid(text, `unit ${quoted} must come before "${UNITS[previous]}"`);
    previous = rank;
    seconds += Number(digits) * UNIT_SECONDS[unit];
  }
  if (seconds > MAX_DURATION_SECONDS) {
    throw invalid(text, `longer than the maximum ${formatDuration(MAX_DURATION_SECONDS)}`);
  }
  return seconds;
};

/** Renders whole seconds the way parseDuration reads them (7800 → `2h10m`, 0 → `0s`); fractions are dropped. */
export const formatDuration = (seconds: number): string => {
  let rest = Math.max(0, Math.floor(seconds));
  if (rest === 0) return '0s';
  let text = '';
  // Weeks are skipped on output: "9d" reads more easily than "1w2d" in an alert message.
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const count = Math.floor(rest / UNIT_SECONDS[unit]);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * UNIT_SECONDS[unit];
  }
  return text;
};

/** A policy field holding a duration string; parses to seconds and reports the parser's message on failure. */
export const durationSchema = z.string().transform((text, ctx): number => {
  try {
    return parseDuration(text);
  } catch (cause) {
    ctx.addIssue({ code: 'custom', message: (cause as Error).message });
    return z.NEVER;
  }
});
