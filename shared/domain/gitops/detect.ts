import { z } from 'zod';
import { invalidNamespace, invalidObjectName } from '../target/names.js';

/**
 * GitOps awareness. A workload Argo CD or Flux applies from Git goes back to Git's state at their next sync,
 * so an API rollback alone is undone. remedy reads who manages the workload from the marks the tools leave on
 * it, and the policy chooses what to do about it.
 */

/** What a policy does with a GitOps-managed workload. */
export const GITOPS_CHOICES = ['rollback', 'suspendSync', 'notifyOnly'] as const;
export const gitopsChoiceSchema = z.enum(GITOPS_CHOICES);
export type GitOpsChoice = z.infer<typeof gitopsChoiceSchema>;

/**
 * Unset, remedy only reports: acting anyway would be undone at the next sync (with Argo CD self-heal within
 * minutes), and suspending sync changes another controller's configuration; both are for the policy's owner
 * to opt into.
 */
export const DEFAULT_GITOPS_CHOICE: GitOpsChoice = 'notifyOnly';

export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const FLUX_KUSTOMIZE_NAME = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_KUSTOMIZE_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';
export const FLUX_HELM_NAME = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HELM_NAMESPACE = 'helm.toolkit.fluxcd.io/namespace';
/** Where Argo CD keeps its Applications unless they live in "any namespace" (then the tracking id says). */
export const DEFAULT_ARGOCD_NAMESPACE = 'argocd';

/** The object that owns a workload's desired state, with the API coordinates to read and patch it. */
export interface GitOpsOwner {
  tool: 'argocd' | 'flux';
  kind: 'Application' | 'Kustomization' | 'HelmRelease';
  group: 'argoproj.io' | 'kustomize.toolkit.fluxcd.io' | 'helm.toolkit.fluxcd.io';
  version: 'v1alpha1' | 'v1' | 'v2';
  resource: 'applications' | 'kustomizations' | 'helmreleases';
  namespace: string;
  name: string;
  /** The mark it was found by. */
  evidence: string;
  /**
   * False when only `app.kubernetes.io/instance` says so: Helm charts set that label too, so the Application
   * must be found before remedy believes it.
   */
  certain: boolean;
}

/** The workload as the detector sees it. */
export interface ManagedObject {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  labels?: Readonly<Record<string, string>> | undefined;
  annotations?: Readonly<Record<string, string>> | undefined;
}

const APPLICATION = {
  tool: 'argocd',
  kind: 'Application',
  group: 'argoproj.io',
  version: 'v1alpha1',
  resource: 'applications',
} as const;
const KUSTOMIZATION = {
  tool: 'flux',
  kind: 'Kustomization',
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  resource: 'kustomizations',
} as const;
const HELM_RELEASE = {
  tool: 'flux',
  kind: 'HelmRelease',
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  resource: 'helmreleases',
} as const;

/** An Argo CD application reference: `name`, or `namespace_name` for apps in any namespace. */
const applicationRef = (value: string, argoNamespace: string) => {
  const [first, second] = value.split('_', 2);
  return second === undefined
    ? { namespace: argoNamespace, name: value }
    : { namespace: first ?? '', name: second };
};

const validRef = (ref: { namespace: string; name: string }): boolean =>
  invalidNamespace(ref.namespace) === undefined && invalidObjectName(ref.name) === undefined;

/**
 * Who manages the object, if anyone: Flux's labels, Argo CD's tracking annotation (only when it names this very
 * object, as Argo CD itself checks), or Argo CD's instance label (uncertain). Names read from labels are
 * validated before they can reach an API path; a malformed mark counts as no mark.
 */
export const detectGitOps = (
  object: ManagedObject,
  argoNamespace: string = DEFAULT_ARGOCD_NAMESPACE,
): GitOpsOwner | undefined => {
  const labels = object.labels ?? {};
  const annotations = object.annotations ?? {};
  // The HelmRelease is the nearer owner: a Kustomization may apply the HelmRelease, not the Deployment.
  for (const [def, nameKey, nsKey] of [
    [HELM_RELEASE, FLUX_HELM_NAME, FLUX_HELM_NAMESPACE],
    [KUSTOMIZATION, FLUX_KUSTOMIZE_NAME, FLUX_KUSTOMIZE_NAMESPACE],
  ] as const) {
    const name = labels[nameKey];
    const namespace = labels[nsKey];
    if (name && namespace && validRef({ namespace, name }))
      return { ...def, namespace, name, evidence: `labels ${nameKey}/${nsKey.split('/')[1]}`, certain: true };
  }
  const tracking = annotations[ARGOCD_TRACKING_ANNOTATION];
  if (tracking) {
    // `<app>:<group>/<kind>:<namespace>/<name>`; a copy of another object's id does not make it managed.
    const match = /^([^:]+):([^/]*)\/([^:]+):([^/]*)\/(.+)$/.exec(tracking);
    const [, app = '', group, kind, namespace, name] = match ?? [];
    const ref = applicationRef(app, argoNamespace);
    if (
      match &&
      group === object.group &&
      kind === object.kind &&
      (namespace === object.namespace || namespace === '') &&
      name === object.name &&
      validRef(ref)
    )
      return { ...APPLICATION, ...ref, evidence: `annotation ${ARGOCD_TRACKING_ANNOTATION}`, certain: true };
  }
  const instance = labels[ARGOCD_INSTANCE_LABEL];
  if (instance) {
    const ref = applicationRef(instance, argoNamespace);
    if (validRef(ref))
      return { ...APPLICATION, ...ref, evidence: `label ${ARGOCD_INSTANCE_LABEL}`, certain: false };
  }
  return undefined;
};

const TOOL_NAME = { argocd: 'Argo CD', flux: 'Flux' } as const;

/** `Argo CD Application argocd/shop`, `Flux Kustomization flux-system/apps`. */
export const describeOwner = (owner: Pick<GitOpsOwner, 'tool' | 'kind' | 'namespace' | 'name'>): string =>
  `${TOOL_NAME[owner.tool]} ${owner.kind} ${owner.namespace}/${owner.name}`;

/** Where remedy keeps the automated sync policy it removed, so a human can put it back as it was. */
export const PREVIOUS_AUTOMATED_ANNOTATION = 'remedy.io/previous-sync-policy-automated';
/** Who suspended a Flux object or an Argo CD Application's auto-sync, and why. */
export const SUSPENDED_BY_ANNOTATION = 'remedy.io/suspended-by';

/**
 * The JSON merge patch that stops the owner from syncing: Argo CD loses `spec.syncPolicy.automated` (kept in
 * an annotation), Flux gets `spec.suspend: true`. `previousAutomated` is the Application's current value.
 */
export const suspendPatch = (
  owner: Pick<GitOpsOwner, 'tool'>,
  reason: string,
  previousAutomated: unknown,
): Record<string, unknown> =>
  owner.tool === 'argocd'
    ? {
        metadata: {
          annotations: {
            [PREVIOUS_AUTOMATED_ANNOTATION]: JSON.stringify(previousAutomated),
            [SUSPENDED_BY_ANNOTATION]: reason,
          },
        },
        spec: { syncPolicy: { automated: null } },
      }
    : { metadata: { annotations: { [SUSPENDED_BY_ANNOTATION]: reason } }, spec: { suspend: true } };

/** Whether the owner syncs on its own now (false: a suspension would change nothing). */
export const syncsAutomatically = (owner: Pick<GitOpsOwner, 'tool'>, spec: unknown): boolean => {
  const s = (spec ?? {}) as { suspend?: unknown; syncPolicy?: { automated?: unknown } };
  if (owner.tool === 'flux') return s.suspend !== true;
  const automated = s.syncPolicy?.automated as { enabled?: unknown } | null | undefined;
  // Argo CD 3 may carry `automated: { enabled: false }`: present but off.
  return automated !== undefined && automated !== null && automated.enabled !== false;
};
