import type { GitOpsChoice } from '../gitops/detect.js';
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
      /** What to do when Argo CD or Flux manages the Deployment; unset: notifyOnly. */
      gitops?: GitOpsChoice;
    }
  | { action: 'restartDeployment'; target: Target; gitops?: GitOpsChoice }
  | {
      action: 'rollbackWorkload';
      target: Target;
      kind: 'StatefulSet' | 'DaemonSet';
      toRevision: number;
      gitops?: GitOpsChoice;
    }
  | { action: 'notifyOnly'; target: Target }
  | {
      action: 'startAutomation';
      target: Target;
      documentName: string;
      documentVersion?: string;
      /** Templates, rendered from the alert when the action runs. */
      parameters: Record<string, string>;
    }
  | { action: 'startExecution'; target: Target; stateMachineArn: string }
  | { action: 'invokeFunction'; target: Target; functionName: string; qualifier?: string }
  | {
      action: 'deleteSeries';
      /** The Prometheus workload: its cluster says which Prometheus to ask. */
      target: Target;
      matchers: string[];
      cleanTombstones: boolean;
      olderThanSeconds?: number;
    };

const where = (target: Target): string => `${target.namespace}/${target.name} in cluster ${target.cluster}`;
const about = (target: Target): string => `${target.kind.toLowerCase()} ${where(target)}`;

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
    case 'startAutomation': {
      const version = plan.documentVersion === undefined ? '' : ` (version ${plan.documentVersion})`;
      return `start SSM Automation runbook ${plan.documentName}${version} for ${about(plan.target)}`;
    }
    case 'startExecution':
      return `start Step Functions state machine ${plan.stateMachineArn} for ${about(plan.target)}`;
    case 'invokeFunction': {
      const qualifier = plan.qualifier === undefined ? '' : `:${plan.qualifier}`;
      return `invoke Lambda function ${plan.functionName}${qualifier} asynchronously for ${about(plan.target)}`;
    }
    case 'deleteSeries': {
      const older =
        plan.olderThanSeconds === undefined ? '' : ` older than ${formatDuration(plan.olderThanSeconds)}`;
      const clean = plan.cleanTombstones ? ', then clean tombstones' : '';
      return `delete the series ${plan.matchers.join(', ')}${older} from the Prometheus of cluster ${plan.target.cluster} (${about(plan.target)})${clean}`;
    }
  }
};
