/** The pod-template annotation `kubectl rollout restart` sets; changing it is what starts a new rollout. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Strategic-merge patch body (`application/strategic-merge-patch+json`) that restarts a workload's pods. */
export interface RestartPatch {
  spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: string } } } };
}

/** `now` as RFC 3339 in UTC to the second (`2026-01-02T03:04:05Z`), the format kubectl writes. */
export const rfc3339Seconds = (now: Date): string => `${now.toISOString().slice(0, 19)}Z`;

/**
 * The patch that makes the controller roll every pod, stamped with `now`. Only this annotation is sent, so
 * nothing else in the template can be overwritten. Two restarts within the same second produce the same
 * value, change nothing and start no rollout; kubectl reports that case, and so should the caller.
 */
export const buildRestartPatch = (now: Date): RestartPatch => ({
  spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: rfc3339Seconds(now) } } } },
});

/** kubectl's wording for the same refusal. */
export const PAUSED_RESTART_REFUSAL = "can't restart paused deployment (run rollout resume first)";

/** Refuses a paused Deployment, whose controller would record the change but roll no pod. */
export const checkRestartable = (deployment: {
  spec: { paused?: boolean };
}): { ok: true } | { ok: false; reason: string } =>
  deployment.spec.paused === true ? { ok: false, reason: PAUSED_RESTART_REFUSAL } : { ok: true };
