// The client-go exec plugin output (`ExecCredential`), formatted exactly as `aws eks get-token` (v2) prints it.

/** The exec credential API versions client-go speaks; v1beta1 is the default when the client says nothing. */
export const EXEC_API = {
  v1: 'client.authentication.k8s.io/v1',
  v1beta1: 'client.authentication.k8s.io/v1beta1',
  v1alpha1: 'client.authentication.k8s.io/v1alpha1',
} as const;

/** The API version to answer with, and a note for stderr when the client's request was odd. */
export interface ApiVersionChoice {
  readonly apiVersion: string;
  readonly warning?: string;
}

/**
 * Reads `KUBERNETES_EXEC_INFO` (JSON client-go sets for exec plugins) like the AWS CLI: v1 and v1beta1 are
 * answered in kind, v1alpha1 with a deprecation note, anything else (or unparsable) falls back to v1beta1.
 */
export function discoverApiVersion(execInfo: string | undefined): ApiVersionChoice {
  // Old client-go (< 1.20) did not always set the variable: v1beta1 is what they expect.
  if (execInfo === undefined || execInfo === '') return { apiVersion: EXEC_API.v1beta1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(execInfo);
  } catch {
    return {
      apiVersion: EXEC_API.v1beta1,
      warning: `KUBERNETES_EXEC_INFO is not valid JSON; answering with ${EXEC_API.v1beta1}`,
    };
  }
  const requested =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { apiVersion?: unknown }).apiVersion
      : undefined;
  if (requested === EXEC_API.v1 || requested === EXEC_API.v1beta1) return { apiVersion: requested };
  if (requested === EXEC_API.v1alpha1) {
    return {
      apiVersion: requested,
      warning: `the kubeconfig uses the deprecated ${EXEC_API.v1alpha1}; switch its exec apiVersion to ${EXEC_API.v1beta1} or v1`,
    };
  }
  return {
    apiVersion: EXEC_API.v1beta1,
    warning: `KUBERNETES_EXEC_INFO asks for an unknown apiVersion ${JSON.stringify(requested)}; answering with ${EXEC_API.v1beta1}`,
  };
}

/**
 * Python's `json.dumps` string form: like JSON.stringify but every character outside printable ASCII is
 * `\uXXXX` (ensure_ascii). Our values are ASCII today; this keeps the output identical if that ever changes.
 */
const pyString = (value: string) =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** `2026-11-25T12:14:00Z`: RFC 3339 in UTC with whole seconds, the AWS CLI's `%Y-%m-%dT%H:%M:%SZ`. */
export const formatTimestamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One line (plus newline) with Python's `", "` and `": "` separators and the AWS CLI's key order. */
export function formatExecCredential(input: { apiVersion: string; token: string; expiresAt: Date }): string {
  const status = `{"expirationTimestamp": ${pyString(formatTimestamp(input.expiresAt))}, "token": ${pyString(input.token)}}`;
  return `{"kind": "ExecCredential", "apiVersion": ${pyString(input.apiVersion)}, "spec": {}, "status": ${status}}\n`;
}
