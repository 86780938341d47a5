// apps/v1 resources: deployments and replicasets (statefulsets, daemonsets, controllerrevisions go here too).
import { deploymentPrinter, replicaSetPrinter } from '../printers.js';
import type { ResourceDef, SubresourceDef } from '../types.js';
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
