// Core (v1) resources: namespaces, pods, events.
import { evictPod } from '../http/eviction.js';
import { namespacePrinter, podPrinter } from '../printers.js';
import type { ResourceDef } from '../types.js';
import { defaultPodSpec, validateName, validatePodSpec, validatePodUpdate } from './podspec.js';

const STATUS = { name: 'status', verbs: ['get', 'patch', 'update'] } as const;

export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  subresources: [{ ...STATUS, kind: 'Namespace' }],
  fieldSelectors: ['status.phase'],
  defaults: (ns) => {
    ns.spec ??= {};
    ns.spec.finalizers ??= ['kubernetes'];
    ns.status ??= {};
    ns.status.phase ??= 'Active';
    // The apiserver labels every namespace with its own name.
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  validate: (ns) => validateName(ns, true),
  printer: namespacePrinter,
};

export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  // pods/eviction takes a policy/v1 Eviction and consults PodDisruptionBudgets (http/eviction.ts).
  subresources: [
    { ...STATUS, kind: 'Pod' },
    {
      name: 'eviction',
      kind: 'Eviction',
      group: 'policy',
      version: 'v1',
      verbs: ['create'],
      handler: evictPod,
    },
  ],
  fieldSelectors: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  defaults: (pod) => {
    pod.spec ??= {};
    defaultPodSpec(pod.spec);
    pod.spec.enableServiceLinks ??= true;
    pod.spec.serviceAccountName ??= 'default';
    pod.spec.priority ??= 0;
    // There is no scheduler: every pod lands on the single sandbox node at creation.
    pod.spec.nodeName ??= 'sandbox-node';
    pod.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
  },
  validate: (pod, old) => [
    ...validateName(pod),
    ...validatePodSpec(pod.spec, 'spec'),
    ...(old ? validatePodUpdate(pod, old) : []),
  ],
  printer: podPrinter,
};

export const events: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  namespaced: true,
  shortNames: ['ev'],
  fieldSelectors: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};
