/**
 * Kubernetes name rules, checked before a label value reaches a URL: a label is attacker-reachable text
 * (anyone who can push a metric can shape it), so `../`, `%2F`, spaces or 300 characters never get through.
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1123 label length: namespaces are labels. */
export const MAX_LABEL_LENGTH = 63;
/** RFC 1123 subdomain length: most object names (pods, deployments) are subdomains. */
export const MAX_SUBDOMAIN_LENGTH = 253;

/** Returns why `value` is not a valid namespace name, or undefined when it is. */
export const invalidNamespace = (value: string): string | undefined =>
  value.length > MAX_LABEL_LENGTH
    ? `is ${value.length} characters; a namespace has at most ${MAX_LABEL_LENGTH}`
    : DNS1123_LABEL.test(value)
      ? undefined
      : 'is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)';

/** Returns why `value` is not a valid object name (pod, deployment), or undefined when it is. */
export const invalidObjectName = (value: string): string | undefined =>
  value.length > MAX_SUBDOMAIN_LENGTH
    ? `is ${value.length} characters; a name has at most ${MAX_SUBDOMAIN_LENGTH}`
    : DNS1123_SUBDOMAIN.test(value)
      ? undefined
      : 'is not a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")';
