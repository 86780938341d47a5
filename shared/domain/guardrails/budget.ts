import { z } from 'zod';
import { durationSchema, parseDuration } from '../actions/duration.js';

/**
 * Action budgets are FIXED windows aligned to the epoch (a 1h budget resets on the hour, UTC): one counter per
 * window, incremented with a conditional write. Within any rolling span of `per` seconds that straddles a
 * boundary up to 2 × count actions can happen; a rolling window would need a read of every recent action.
 */
export interface Budget {
  count: number;
  perSeconds: number;
}

export const budgetSchema = z
  .object({ count: z.number().int().min(1).max(10_000), per: durationSchema })
  .strict()
  .transform((b): Budget => ({ count: b.count, perSeconds: b.per }))
  .refine((b) => b.perSeconds >= 60, { message: 'per must be at least 1m' });

/** Parses `30/1h` (an environment-friendly budget) into a Budget; throws naming the problem. */
export const parseBudget = (text: string): Budget => {
  const match = /^(\d+)\/(.+)$/.exec(text.trim());
  if (!match) throw new Error(`invalid budget "${text}": write COUNT/DURATION, e.g. 30/1h`);
  const count = Number(match[1]);
  const perSeconds = parseDuration(match[2] ?? '');
  if (count < 1 || perSeconds < 60)
    throw new Error(`invalid budget "${text}": at least 1 action per at least 1m`);
  return { count, perSeconds };
};

/** Window starts change once per window, and every alert of a storm asks for them: remember the last few. */
const windowStarts = new Map<number, string>();
const isoOf = (ms: number): string => {
  let iso = windowStarts.get(ms);
  if (iso === undefined) {
    if (windowStarts.size >= 64) windowStarts.clear();
    iso = new Date(ms).toISOString();
    windowStarts.set(ms, iso);
  }
  return iso;
};

/** The counter a budget uses at `now`: its key and the window's end (when "exhausted" stops being true). */
export const budgetWindow = (
  scope: 'policy' | 'cluster',
  name: string,
  budget: Budget,
  now: Date,
): { key: string; limit: number; windowEnd: Date } => {
  const periodMs = budget.perSeconds * 1000;
  const start = Math.floor(now.getTime() / periodMs) * periodMs;
  return {
    key: `RATE#${scope}#${name}#${budget.perSeconds}#${isoOf(start)}`,
    limit: budget.count,
    windowEnd: new Date(start + periodMs),
  };
};

/** Human "in 12m30s" for a time left. */
export const timeLeft = (until: Date, now: Date): string => {
  const s = Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', r || (!h && !m) ? `${r}s` : ''].join('');
};
