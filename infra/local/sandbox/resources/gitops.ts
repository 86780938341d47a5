// GitOps custom resources, served like their CRDs so remedy's GitOps awareness (and kubectl) can be tested:
// Argo CD Applications (argoproj.io/v1alpha1), Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1) and
// HelmReleases (helm.toolkit.fluxcd.io/v2). No controller syncs them: tests read what remedy changed.
import type { FieldError, K8sObject, ResourceDef } from '../types.js';
import { validateName } from './podspec.js';

const required = (obj: K8sObject, fields: readonly string[]): FieldError[] =>
  fields
    .filter(
      (f) =>
        f.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj.spec) ===
        undefined,
    )
    .map((f) => ({ type: 'FieldValueRequired', field: `spec.${f}`, detail: 'Required value' }));

const suspendIsBoolean = (obj: K8sObject): FieldError[] =>
  obj.spec?.suspend === undefined || typeof obj.spec.suspend === 'boolean'
    ? []
    : [
        {
          type: 'FieldValueInvalid',
          field: 'spec.suspend',
          value: obj.spec.suspend,
          detail: 'must be a boolean',
        },
      ];

export const applications: ResourceDef = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  resource: 'applications',
  singular: 'application',
  kind: 'Application',
  namespaced: true,
  shortNames: ['app', 'apps'],
  validate: (app) => [...validateName(app), ...required(app, ['source', 'destination', 'project'])],
};

export const kustomizations: ResourceDef = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  resource: 'kustomizations',
  singular: 'kustomization',
  kind: 'Kustomization',
  namespaced: true,
  shortNames: ['ks'],
  validate: (k) => [
    ...validateName(k),
    ...required(k, ['interval', 'prune', 'sourceRef']),
    ...suspendIsBoolean(k),
  ],
};

export const helmreleases: ResourceDef = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  resource: 'helmreleases',
  singular: 'helmrelease',
  kind: 'HelmRelease',
  namespaced: true,
  shortNames: ['hr'],
  validate: (hr) => [...validateName(hr), ...required(hr, ['interval']), ...suspendIsBoolean(hr)],
};
