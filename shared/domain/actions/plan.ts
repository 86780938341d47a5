import type { Target } from '../target/target.js';

/** A concrete step remedy will take (or, in dry-run, would have taken). */
export type Plan =
  | { action: 'deletePod'; target: Target; gracePeriodSeconds: number }
  | { action: 'notifyOnly'; target: Target };

/** One line an SRE reads in Slack or the audit log: what the plan does. */
export const describePlan = (plan: Plan): string => {
  const where = `${plan.target.namespace}/${plan.target.name} in cluster ${plan.target.cluster}`;
  switch (plan.action) {
    case 'deletePod':
      return `delete pod ${where} (grace period ${plan.gracePeriodSeconds}s)`;
    case 'notifyOnly':
      return `notify only about ${plan.target.kind.toLowerCase()} ${where}`;
  }
};
