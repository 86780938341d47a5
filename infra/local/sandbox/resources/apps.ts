// apps/v1 resources: deployments, replicasets, statefulsets, daemonsets and controllerrevisions.
import { deploymentPrinter, replicaSetPrinter } from '../printers.js';
import { controllerRevisionPrinter, daemonSetPrinter, statefulSetPrinter } from '../printers-apps.js';
import type { FieldError, K8sObject, ResourceDef, SubresourceDef } from '../types.js';
import { jsonEqual } from '../util.js';
import { defaultPodSpec, validateName, validateWorkload } from './podspec.js';

const workloadSubresources = (kind: string): SubresourceDef[] => [
  { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  { name: 'status', kind, verbs: ['get', 'patch', 'update'] },
];

export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: workloadSubresources('Deployment'),
  defaults: (d) => {
    d.spec ??= {};
    d.spec.replicas ??= 1;
    d.spec.revisionHistoryLimit ??= 10;
    d.spec.progressDeadlineSeconds ??= 600;
    d.spec.strategy ??= { type: 'RollingUpdate' };
    if (d.spec.strategy.type === 'RollingUpdate') {
      d.spec.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
    }
    defaultPodSpec(d.spec.template?.spec);
  },
  validate: (d, old) => [...validateName(d), ...validateWorkload(d, old, true)],
  printer: deploymentPrinter,
};

export const replicasets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  singular: 'replicaset',
  kind: 'ReplicaSet',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: workloadSubresources('ReplicaSet'),
  fieldSelectors: ['status.replicas'],
  defaults: (rs) => {
    rs.spec ??= {};
    rs.spec.replicas ??= 1;
    defaultPodSpec(rs.spec.template?.spec);
  },
  validate: (rs, old) => [...validateName(rs), ...validateWorkload(rs, old, true)],
  printer: replicaSetPrinter,
};

/** An enum field's error when the value is not one of `allowed` (Unsupported value). */
function oneOf(value: unknown, field: string, allowed: readonly string[]): FieldError[] {
  if (allowed.includes(value as string)) return [];
  return [
    {
      type: 'FieldValueNotSupported',
      field,
      value,
      detail: `supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
    },
  ];
}

// ValidateStatefulSetUpdate: only these spec fields may change after creation.
const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];
const STS_MUTABLE_TEXT = `${STS_MUTABLE.slice(0, -1)
  .map((f) => `'${f}'`)
  .join(', ')} and '${STS_MUTABLE.at(-1)}'`;

function validateStatefulSet(sts: K8sObject, old: K8sObject | undefined): FieldError[] {
  const errors = [...validateName(sts), ...validateWorkload(sts, old, true)];
  errors.push(
    ...oneOf(sts.spec?.podManagementPolicy, 'spec.podManagementPolicy', ['OrderedReady', 'Parallel']),
  );
  errors.push(
    ...oneOf(sts.spec?.updateStrategy?.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete']),
  );
  const fixed = (o: K8sObject | undefined) =>
    Object.fromEntries(Object.entries(o?.spec ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (old && !jsonEqual(fixed(sts), fixed(old))) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      detail: `updates to statefulset spec for fields other than ${STS_MUTABLE_TEXT} are forbidden`,
    });
  }
  return errors;
}

export const statefulsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  singular: 'statefulset',
  kind: 'StatefulSet',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: workloadSubresources('StatefulSet'),
  // SetDefaults_StatefulSet (apps/v1).
  defaults: (sts) => {
    sts.spec ??= {};
    sts.spec.replicas ??= 1;
    sts.spec.podManagementPolicy ??= 'OrderedReady';
    sts.spec.updateStrategy ??= { type: 'RollingUpdate' };
    if (sts.spec.updateStrategy.type === 'RollingUpdate') {
      sts.spec.updateStrategy.rollingUpdate ??= {};
      sts.spec.updateStrategy.rollingUpdate.partition ??= 0;
    }
    sts.spec.revisionHistoryLimit ??= 10;
    sts.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultPodSpec(sts.spec.template?.spec);
  },
  validate: validateStatefulSet,
  printer: statefulSetPrinter,
};

export const daemonsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  singular: 'daemonset',
  kind: 'DaemonSet',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  subresources: [{ name: 'status', kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] }],
  // SetDefaults_DaemonSet (apps/v1).
  defaults: (ds) => {
    ds.spec ??= {};
    ds.spec.updateStrategy ??= { type: 'RollingUpdate' };
    if (ds.spec.updateStrategy.type === 'RollingUpdate') {
      ds.spec.updateStrategy.rollingUpdate ??= {};
      ds.spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      ds.spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    ds.spec.revisionHistoryLimit ??= 10;
    defaultPodSpec(ds.spec.template?.spec);
  },
  validate: (ds, old) => [
    ...validateName(ds),
    ...validateWorkload(ds, old, false),
    ...oneOf(ds.spec?.updateStrategy?.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete']),
  ],
  printer: daemonSetPrinter,
};

export const controllerrevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  kind: 'ControllerRevision',
  namespaced: true,
  validate: (cr, old) => {
    const errors = validateName(cr);
    const revision = cr.revision;
    if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'revision',
        value: revision,
        detail: 'must be greater than or equal to 0',
      });
    }
    // ValidateControllerRevisionUpdate: the recorded state never changes, only its number.
    if (old && !jsonEqual(cr.data, old.data))
      errors.push({ type: 'FieldValueInvalid', field: 'data', value: cr.data, detail: 'field is immutable' });
    return errors;
  },
  printer: controllerRevisionPrinter,
};
