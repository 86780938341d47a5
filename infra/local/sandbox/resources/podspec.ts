// Defaulting and validation shared by everything that carries a pod spec (pods and pod templates).
import type { LabelSelector } from '../selectors.js';
import { matchesRequirements, selectorRequirements } from '../selectors.js';
import type { FieldError, K8sObject } from '../types.js';
import { isObject, jsonEqual } from '../util.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// biome-ignore lint/suspicious/noExplicitAny: pod specs are free-form JSON.
type Spec = any;

function defaultContainer(c: Spec): void {
  if (!isObject(c)) return;
  // Like SetDefaults_Container: `:latest` or no tag pulls always.
  const image = typeof c.image === 'string' ? c.image : '';
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  c.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of Array.isArray(c.ports) ? c.ports : []) if (isObject(p)) p.protocol ??= 'TCP';
}

/** SetDefaults_PodSpec and its containers, in place. */
export function defaultPodSpec(podSpec: Spec): void {
  if (!isObject(podSpec)) return;
  const spec: Spec = podSpec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(c);
}

/** Errors for metadata.name (or generateName) as the apiserver's ValidateObjectMeta reports them. */
export function validateName(obj: K8sObject, label = false): FieldError[] {
  const name = obj.metadata.name;
  if (!name)
    return [
      { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
    ];
  const ok = label
    ? DNS1123_LABEL.test(name) && name.length <= 63
    : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (ok) return [];
  const detail = label
    ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
    : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  return [{ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail }];
}

/** Errors in a pod spec found at `path` (containers present, named, with an image). */
export function validatePodSpec(spec: Spec, path: string): FieldError[] {
  if (!isObject(spec)) return [{ type: 'FieldValueRequired', field: path, detail: '' }];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [{ type: 'FieldValueRequired', field: `${path}.containers`, detail: '' }];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c: Spec, i: number) => {
    const at = `${path}.containers[${i}]`;
    if (!isObject(c) || typeof c.name !== 'string' || c.name === '') {
      errors.push({ type: 'FieldValueRequired', field: `${at}.name`, detail: '' });
      return;
    }
    if (!DNS1123_LABEL.test(c.name)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.name`,
        value: c.name,
        detail: 'must be a DNS label',
      });
    }
    if (seen.has(c.name))
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.name`,
        value: c.name,
        detail: 'Duplicate value',
      });
    seen.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      errors.push({ type: 'FieldValueRequired', field: `${at}.image`, detail: '' });
    }
  });
  return errors;
}

/** Errors for a workload (Deployment, ReplicaSet, later StatefulSet/DaemonSet): selector, template, replicas. */
export function validateWorkload(
  obj: K8sObject,
  old: K8sObject | undefined,
  withReplicas: boolean,
): FieldError[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [{ type: 'FieldValueRequired', field: 'spec', detail: '' }];
  const errors: FieldError[] = [];
  const replicas = spec.replicas;
  if (withReplicas && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      value: replicas,
      detail: 'must be greater than or equal to 0',
    });
  }
  const selector = spec.selector as LabelSelector | undefined;
  const reqs = selectorRequirements(selector);
  if (!isObject(selector)) errors.push({ type: 'FieldValueRequired', field: 'spec.selector', detail: '' });
  else if (reqs.length === 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: selector,
      detail: 'empty selector is invalid for deployment',
    });
  }
  const template = spec.template;
  if (!isObject(template)) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.template', detail: '' });
    return errors;
  }
  const labels = (template.metadata as { labels?: Record<string, string> } | undefined)?.labels;
  if (reqs.length > 0 && !matchesRequirements(reqs, labels)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels ?? {},
      detail: '`selector` does not match template `labels`',
    });
  }
  errors.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  // apps/v1 made the selector immutable.
  if (old && !jsonEqual(old.spec?.selector, selector)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: selector,
      detail: 'field is immutable',
    });
  }
  return errors;
}

/** A pod's spec may only change container images once created (a subset of the real rule). */
export function validatePodUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const blankImages = (spec: Spec): unknown => ({
    ...spec,
    containers: (spec?.containers ?? []).map((c: Spec) => ({ ...c, image: '' })),
  });
  if (jsonEqual(blankImages(obj.spec), blankImages(old.spec))) return [];
  return [
    {
      type: 'FieldValueForbidden',
      field: 'spec',
      detail:
        'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    },
  ];
}
