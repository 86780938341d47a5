import type { ObjectKind, Target } from '../target/target.js';
import { formatDuration } from './duration.js';

/** A concrete step remedy will take (or, in dry-run, would have taken). */
export type Plan =
  | { action: 'deletePod'; target: Target; gracePeriodSeconds: number; respectPodDisruptionBudget: boolean }
  | { action: 'evictPod'; target: Target; gracePeriodSeconds?: number }
  | {
      action: 'rollbackDeployment';
      target: Target;
      /** 0: the previous revision. */
      toRevision: number;
      onlyIfRevisionYoungerThanSeconds?: number;
    }
  | { action: 'restartDeployment'; target: Target }
  | { action: 'rollbackWorkload'; target: Target; kind: 'StatefulSet' | 'DaemonSet'; toRevision: number }
  | { action: 'notifyOnly'; target: Target };

const where = (target: Target): string => `${target.namespace}/${target.name} in cluster ${target.cluster}`;

/** `deployment demo/web in cluster sandbox`, or `the deployment running pod …` when found from a pod. */
const describeWorkload = (kind: ObjectKind, target: Target): string =>
  target.kind === kind
    ? `${kind.toLowerCase()} ${where(target)}`
    : `the ${kind.toLowerCase()} running ${target.kind.toLowerCase()} ${where(target)}`;

const revisionText = (toRevision: number): string =>
  toRevision === 0 ? 'the previous revision' : `revision ${toRevision}`;

/** One line an SRE reads in Slack or the audit log: what the plan does. */
export const describePlan = (plan: Plan): string => {
  switch (plan.action) {
    case 'deletePod': {
      const budget = plan.respectPodDisruptionBudget ? ', unless a PodDisruptionBudget forbids it' : '';
      return `delete pod ${where(plan.target)} (grace period ${plan.gracePeriodSeconds}s)${budget}`;
    }
    case 'evictPod': {
      const grace =
        plan.gracePeriodSeconds === undefined
          ? "the pod's grace period"
          : `grace period ${plan.gracePeriodSeconds}s`;
      return `evict pod ${where(plan.target)} (${grace}, honouring its PodDisruptionBudget)`;
    }
    case 'rollbackDeployment': {
      const limit = plan.onlyIfRevisionYoungerThanSeconds;
      const fresh =
        limit === undefined ? '' : ` if its current revision is younger than ${formatDuration(limit)}`;
      return `roll back ${describeWorkload('Deployment', plan.target)} to ${revisionText(plan.toRevision)}${fresh}`;
    }
    case 'restartDeployment':
      return `restart ${describeWorkload('Deployment', plan.target)} (rollout restart)`;
    case 'rollbackWorkload':
      return `roll back ${describeWorkload(plan.kind, plan.target)} to ${revisionText(plan.toRevision)}`;
    case 'notifyOnly':
      return `notify only about ${plan.target.kind.toLowerCase()} ${where(plan.target)}`;
  }
};
