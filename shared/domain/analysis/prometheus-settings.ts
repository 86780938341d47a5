import { type PrometheusTarget, prometheusTargetSchema } from '../cluster/registry.js';
import { ConfigError, formatIssues } from '../errors.js';

/** The deployment's default Prometheus, as the environment gives it (see shared/runtime/config.ts). */
export interface PrometheusEnv {
  PROMETHEUS_URL?: string | undefined;
  PROMETHEUS_AUTH?: 'none' | 'sigv4' | 'basic' | 'bearer' | undefined;
  PROMETHEUS_REGION?: string | undefined;
  PROMETHEUS_USERNAME_PARAMETER?: string | undefined;
  PROMETHEUS_PASSWORD_PARAMETER?: string | undefined;
  PROMETHEUS_TOKEN_PARAMETER?: string | undefined;
}

/**
 * PROMETHEUS_URL and its auth → the default Prometheus for clusters whose registry entry names none (the
 * static/local cluster, or one central Prometheus/AMP workspace for all). Validated like a registry entry; a
 * half-configured auth fails the cold start naming the missing variable.
 */
export const prometheusFromEnv = (e: PrometheusEnv): PrometheusTarget | undefined => {
  const auth = e.PROMETHEUS_AUTH ?? 'none';
  if (e.PROMETHEUS_URL === undefined) {
    if (auth !== 'none') throw new ConfigError(`PROMETHEUS_AUTH=${auth} needs PROMETHEUS_URL`);
    return undefined;
  }
  const need = (name: keyof PrometheusEnv): string => {
    const value = e[name];
    if (value === undefined) throw new ConfigError(`PROMETHEUS_AUTH=${auth} needs ${name}`);
    return value;
  };
  const input = {
    endpoint: e.PROMETHEUS_URL,
    ...(auth === 'sigv4'
      ? { auth: { type: 'sigv4', ...(e.PROMETHEUS_REGION ? { region: e.PROMETHEUS_REGION } : {}) } }
      : auth === 'basic'
        ? {
            auth: {
              type: 'basic',
              usernameParameter: need('PROMETHEUS_USERNAME_PARAMETER'),
              passwordParameter: need('PROMETHEUS_PASSWORD_PARAMETER'),
            },
          }
        : auth === 'bearer'
          ? { auth: { type: 'bearer', tokenParameter: need('PROMETHEUS_TOKEN_PARAMETER') } }
          : {}),
  };
  const parsed = prometheusTargetSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigError(
      `invalid PROMETHEUS_* configuration: ${formatIssues(parsed.error.issues, 'prometheus')}`,
    );
  return parsed.data;
};
