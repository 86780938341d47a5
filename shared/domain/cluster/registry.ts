import { z } from 'zod';

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
  })
  .strict();

export type ClusterEntry = z.infer<typeof clusterEntrySchema>;
export type ClusterEntryInput = z.input<typeof clusterEntrySchema>;
