import { z } from 'zod';
import type { Target } from '../target/target.js';
import { durationSchema } from './duration.js';
import type { Plan } from './plan.js';
import { formatSeriesSelector, parseSeriesSelector } from './series/selector.js';

/** A selector from the policy, validated and stored in its canonical form. */
const seriesSelector = z.string().transform((text, ctx): string => {
  const parsed = parseSeriesSelector(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return formatSeriesSelector(parsed.selector);
});

/**
 * deleteSeries: Prometheus's own remedy when its storage runs high, from the policy's known high-cardinality
 * metrics. The target is the Prometheus workload (its cluster finds the Prometheus to ask; cooldown and budgets
 * apply to it); nothing from the alert reaches the matchers.
 */
export const deleteSeriesAction = z
  .object({
    type: z.literal('deleteSeries'),
    matchers: z.array(seriesSelector).min(1).max(20),
    /** Free the space at once (clean_tombstones) instead of at the next compaction. */
    cleanTombstones: z.boolean().optional(),
    /** Only samples older than this; unset: the series entirely. */
    olderThan: durationSchema.refine((s) => s > 0, 'must be longer than 0s').optional(),
  })
  .strict();
export type DeleteSeriesAction = z.infer<typeof deleteSeriesAction>;

export const planDeleteSeries = (target: Target, a: DeleteSeriesAction): Plan => ({
  action: 'deleteSeries',
  target,
  matchers: a.matchers,
  cleanTombstones: a.cleanTombstones ?? false,
  ...(a.olderThan === undefined ? {} : { olderThanSeconds: a.olderThan }),
});
