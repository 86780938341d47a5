// policy/v1 resources. PodDisruptionBudgets are stored as plain objects for now; their status
// (disruptionsAllowed...) and the pods/eviction handler belong to the eviction module.
import type { ResourceDef } from '../types.js';
import { validateName } from './podspec.js';

export const poddisruptionbudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  kind: 'PodDisruptionBudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: [{ name: 'status', kind: 'PodDisruptionBudget', verbs: ['get', 'patch', 'update'] }],
  validate: (pdb) => validateName(pdb),
};
