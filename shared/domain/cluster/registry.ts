import { z } from 'zod';

/** SSM Parameter Store names (secrets are referenced by name; their values never enter the registry). */
const ssmParameterName = z
  .string()
  .regex(/^[a-zA-Z0-9_.\-/]+$/, 'must be an SSM parameter name like /remedy/prometheus/token')
  .max(2048);
const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region like eu-west-1');

/** Loopback endpoints (the local stack, a port-forward) may carry credentials over plain HTTP; nothing else. */
const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * How remedy reaches the Prometheus that watches a cluster, for policy `analysis`/`verify` queries: the API
 * root (`<endpoint>/api/v1/query`), e.g. `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-…`
 * for Amazon Managed Service for Prometheus (auth `sigv4`, service `aps`) or `http://prometheus.monitoring:9090`
 * for a self-hosted one (optionally `basic` or `bearer`, secrets as SSM parameter names).
 */
export const prometheusTargetSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }),
    auth: z
      .discriminatedUnion('type', [
        // Region defaults to the one in an AMP host name (aps-workspaces.<region>.amazonaws.com), else the cluster's.
        z.object({ type: z.literal('sigv4'), region: regionSchema.optional() }).strict(),
        z
          .object({
            type: z.literal('basic'),
            usernameParameter: ssmParameterName,
            passwordParameter: ssmParameterName,
          })
          .strict(),
        z.object({ type: z.literal('bearer'), tokenParameter: ssmParameterName }).strict(),
      ])
      .optional(),
  })
  .strict()
  .superRefine((target, ctx) => {
    const url = new URL(target.endpoint);
    if (target.auth !== undefined && url.protocol === 'http:' && !isLoopback(url.hostname))
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `must be https:// when auth is ${target.auth.type} (credentials never cross the network in clear)`,
      });
    if (url.username !== '' || url.password !== '')
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: 'must not embed credentials; use auth with SSM parameter names',
      });
    if (url.search !== '' || url.hash !== '')
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'must not have a query or fragment' });
  });

export type PrometheusTarget = z.infer<typeof prometheusTargetSchema>;

/**
 * A clusters-registry entry: the logical name alerts and policies use (the `cluster` label) → the EKS cluster
 * behind it, its region, the role to assume for a cluster in another account, and an optional endpoint override
 * (a private endpoint reached through a proxy, or a local API).
 */
export const clusterEntrySchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"')
      .max(63),
    eksClusterName: z
      .string()
      .regex(/^[0-9A-Za-z][A-Za-z0-9\-_]*$/, 'must be an EKS cluster name (letters, digits, "-", "_")')
      .max(100),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region like eu-west-1'),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN')
      .optional(),
    endpoint: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    description: z.string().max(1024).optional(),
    // Where remedy asks Prometheus about this cluster (policy `analysis` and `verify`).
    prometheus: prometheusTargetSchema.optional(),
  })
  .strict();

export type ClusterEntry = z.infer<typeof clusterEntrySchema>;
export type ClusterEntryInput = z.input<typeof clusterEntrySchema>;
