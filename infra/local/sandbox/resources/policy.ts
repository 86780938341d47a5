// policy/v1 resources. PodDisruptionBudget status is kept by controllers/disruption.ts; the pods/eviction
// handler that consults it lives in http/eviction.ts.
import { podDisruptionBudgetPrinter } from '../printers-apps.js';
import type { FieldError, K8sObject, ResourceDef } from '../types.js';
import { validateName } from './podspec.js';

const PERCENT = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent for minAvailable / maxUnavailable. */
function intOrPercentErrors(value: unknown, field: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0
      ? []
      : [{ type: 'FieldValueInvalid', field, value, detail: 'must be greater than or equal to 0' }];
  }
  if (typeof value !== 'string' || !PERCENT.test(value)) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        value,
        detail:
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      },
    ];
  }
  return Number.parseInt(value, 10) > 100
    ? [{ type: 'FieldValueInvalid', field, value, detail: 'must not be greater than 100%' }]
    : [];
}

function validateBudget(pdb: K8sObject): FieldError[] {
  const spec = pdb.spec ?? {};
  const errors = [
    ...validateName(pdb),
    ...intOrPercentErrors(spec.minAvailable, 'spec.minAvailable'),
    ...intOrPercentErrors(spec.maxUnavailable, 'spec.maxUnavailable'),
  ];
  const set = (v: unknown) => v !== undefined && v !== null;
  if (set(spec.minAvailable) && set(spec.maxUnavailable)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec',
      value: spec,
      detail: 'minAvailable and maxUnavailable cannot be both set',
    });
  }
  const policy = spec.unhealthyPodEvictionPolicy;
  if (set(policy) && !['IfHealthyBudget', 'AlwaysAllow'].includes(String(policy))) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.unhealthyPodEvictionPolicy',
      value: policy,
      detail: 'supported values: "AlwaysAllow", "IfHealthyBudget"',
    });
  }
  return errors;
}

export const poddisruptionbudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  kind: 'PodDisruptionBudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: [{ name: 'status', kind: 'PodDisruptionBudget', verbs: ['get', 'patch', 'update'] }],
  validate: validateBudget,
  printer: podDisruptionBudgetPrinter,
};
