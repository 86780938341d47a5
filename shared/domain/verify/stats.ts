import { median } from './outcome.js';
import type { OutcomeEntry } from './ports.js';

/** A policy's effectiveness over a window: what its actions achieved. */
export interface PolicyStats {
  policy: string;
  actions: number;
  recovered: number;
  notRecovered: number;
  inconclusive: number;
  /** Acted, not (yet) verified: no `verify`, or the followup is still due. */
  unverified: number;
  /** recovered / (recovered + notRecovered); undefined before any such verdict. */
  recoveryRate?: number;
  /** Median seconds from action to recovery, over the recovered actions. */
  medianSecondsToRecovery?: number;
  /** Median seconds from action to the alert's resolve, over the actions whose alert resolved. */
  medianSecondsToResolve?: number;
}

export const summarize = (policy: string, entries: readonly OutcomeEntry[]): PolicyStats => {
  const of = (o: OutcomeEntry['outcome']) => entries.filter((e) => e.outcome === o).length;
  const recovered = of('recovered');
  const notRecovered = of('not-recovered');
  const toRecovery = median(
    entries.flatMap((e) =>
      e.outcome === 'recovered' && e.secondsToRecovery !== undefined ? [e.secondsToRecovery] : [],
    ),
  );
  const toResolve = median(
    entries.flatMap((e) => (e.resolvedAfterSeconds !== undefined ? [e.resolvedAfterSeconds] : [])),
  );
  return {
    policy,
    actions: entries.length,
    recovered,
    notRecovered,
    inconclusive: of('inconclusive'),
    unverified: of(undefined),
    ...(recovered + notRecovered > 0 ? { recoveryRate: recovered / (recovered + notRecovered) } : {}),
    ...(toRecovery !== undefined ? { medianSecondsToRecovery: toRecovery } : {}),
    ...(toResolve !== undefined ? { medianSecondsToResolve: toResolve } : {}),
  };
};
