import type { Alert } from '../alert/schema.js';
import { matches } from './matchers.js';
import type { Policy } from './schema.js';

export type Selection = { ok: true; policy: Policy } | { ok: false; reason: string };

/**
 * The policy for an alert: among policies for its alertname whose matchers all hold, the highest priority.
 * Two matching policies with the same priority are refused rather than guessed between (apply-time checks
 * should have prevented it).
 */
export const selectPolicy = (alert: Pick<Alert, 'labels'>, policies: readonly Policy[]): Selection => {
  const alertname = alert.labels.alertname ?? '';
  const candidates = policies.filter((p) => p.match.alertname === alertname);
  if (candidates.length === 0) return { ok: false, reason: `no policy for alertname "${alertname}"` };
  const matching = candidates
    .filter((p) => p.match.matchers.every((m) => matches(m, alert.labels)))
    .sort((a, b) => b.priority - a.priority);
  const [best, second] = matching;
  if (!best) {
    const names = candidates.map((p) => p.name).join(', ');
    return { ok: false, reason: `no policy's matchers match the alert's labels (checked: ${names})` };
  }
  if (second && second.priority === best.priority) {
    return {
      ok: false,
      reason: `policies "${best.name}" and "${second.name}" both match with priority ${best.priority}: refusing to guess`,
    };
  }
  return { ok: true, policy: best };
};

/** Apply-time checks across a set of policies: unique names, no priority ties per alertname. */
export const checkPolicySet = (policies: readonly Policy[]): string[] => {
  const problems: string[] = [];
  const names = new Set<string>();
  const slots = new Map<string, string>();
  for (const p of policies) {
    if (names.has(p.name)) problems.push(`policy name "${p.name}" is used twice`);
    names.add(p.name);
    const slot = `${p.match.alertname}@${p.priority}`;
    const other = slots.get(slot);
    if (other) {
      problems.push(
        `policies "${other}" and "${p.name}" both handle ${p.match.alertname} with priority ${p.priority}: give one a higher priority`,
      );
    }
    slots.set(slot, p.name);
  }
  return problems;
};
