import { z } from 'zod';
import type { Alert } from '../alert/schema.js';
import { invalidNamespace, invalidObjectName } from './names.js';

/** Where a target field's value comes from: an alert label, a fixed value, and a default when the label is absent. */
export const targetFieldSchema = z
  .object({
    fromLabel: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name')
      .optional(),
    value: z.string().min(1).optional(),
    default: z.string().min(1).optional(),
  })
  .strict()
  .refine((f) => (f.fromLabel === undefined) !== (f.value === undefined), {
    message: 'give exactly one of fromLabel or value',
  });
export type TargetField = z.infer<typeof targetFieldSchema>;

export const targetSpecSchema = z
  .object({
    cluster: targetFieldSchema.default({ fromLabel: 'cluster', default: 'default' }),
    namespace: targetFieldSchema,
    pod: targetFieldSchema.optional(),
    deployment: targetFieldSchema.optional(),
    statefulset: targetFieldSchema.optional(),
    daemonset: targetFieldSchema.optional(),
  })
  .strict()
  // Fixed values and defaults are known when the policy is applied: check them as names then, not at 3 a.m.
  .superRefine((spec, ctx) => {
    for (const [field, value] of Object.entries(spec)) {
      const f = value as TargetField | undefined;
      for (const which of ['value', 'default'] as const) {
        const text = f?.[which];
        if (text === undefined) continue;
        const problem = field === 'namespace' ? invalidNamespace(text) : invalidObjectName(text);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            path: [field, which],
            message: `${JSON.stringify(text)} ${problem}`,
          });
      }
    }
  });
export type TargetSpec = z.infer<typeof targetSpecSchema>;

export type ObjectKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet';
/** The target field naming an object of each kind; kube-state-metrics labels its series the same way. */
export const TARGET_FIELD = {
  Pod: 'pod',
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
} as const satisfies Record<ObjectKind, keyof TargetSpec>;
/** The object an action is aimed at, fully resolved and validated. */
export interface Target {
  cluster: string;
  namespace: string;
  kind: ObjectKind;
  name: string;
}

export type Resolution = { ok: true; target: Target } | { ok: false; reason: string };

/** `cluster/namespace/Kind/name`: the key for audit records and, later, cooldowns. */
export const targetRef = (t: Target): string => `${t.cluster}/${t.namespace}/${t.kind}/${t.name}`;

/** Reads the value a field names from the alert's labels; undefined when neither label nor default has one. */
export const readField = (field: TargetField, labels: Alert['labels']): string | undefined =>
  field.value ?? (field.fromLabel !== undefined ? labels[field.fromLabel] || field.default : undefined);

/**
 * Resolves the target from the alert, validating every name before it can reach a URL. `kinds` lists the
 * kinds the action can work from, preferred first; the first one the policy's target names is used.
 */
export const resolveTarget = (
  spec: TargetSpec,
  kinds: readonly ObjectKind[],
  labels: Alert['labels'],
): Resolution => {
  const kind = kinds.find((k) => spec[TARGET_FIELD[k]] !== undefined);
  const nameField = kind === undefined ? undefined : spec[TARGET_FIELD[kind]];
  if (kind === undefined || nameField === undefined) {
    const fields = kinds.map((k) => TARGET_FIELD[k]).join(' or ');
    return { ok: false, reason: `policy target has no ${fields} field for a ${kinds[0] ?? 'Pod'} action` };
  }
  const nameKey = TARGET_FIELD[kind];
  const parts = { cluster: spec.cluster, namespace: spec.namespace, [nameKey]: nameField };
  const values: Record<string, string> = {};
  for (const [key, field] of Object.entries(parts)) {
    const value = readField(field, labels);
    if (value === undefined) {
      return {
        ok: false,
        reason: `target.${key}: alert has no label "${field.fromLabel}" and no default is set`,
      };
    }
    const problem = key === 'namespace' ? invalidNamespace(value) : invalidObjectName(value);
    if (problem) return { ok: false, reason: `target.${key}: ${JSON.stringify(truncate(value))} ${problem}` };
    values[key] = value;
  }
  return {
    ok: true,
    target: {
      cluster: values.cluster ?? '',
      namespace: values.namespace ?? '',
      kind,
      name: values[nameKey] ?? '',
    },
  };
};

const MAX_QUOTED_VALUE = 80;
const truncate = (s: string): string =>
  s.length > MAX_QUOTED_VALUE ? `${s.slice(0, MAX_QUOTED_VALUE)}…` : s;
