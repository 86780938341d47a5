import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
  }>;
  users?: Array<{ name: string; user: { token?: string; tokenFile?: string; exec?: unknown } }>;
}

/**
 * Reads the current context of a kubeconfig into a fixed connection (server, CA as base64 PEM, bearer token).
 * Only token-based users are supported: client certificates and exec plugins fail with a clear message.
 */
export const readKubeconfig = async (
  path: string,
): Promise<{ server: string; caData: string; token: string }> => {
  const config = parse(await readFile(path, 'utf8')) as Kubeconfig;
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${path}: no current-context (or it names no context)`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context.user)?.user;
  if (!cluster) throw new Error(`${path}: context ${contextName} names unknown cluster ${context.cluster}`);
  if (!user) throw new Error(`${path}: context ${contextName} names unknown user ${context.user}`);
  const base = dirname(path);
  const caData =
    cluster['certificate-authority-data'] ??
    (cluster['certificate-authority']
      ? (await readFile(resolve(base, cluster['certificate-authority']))).toString('base64')
      : undefined);
  if (!caData)
    throw new Error(
      `${path}: cluster ${context.cluster} has no certificate authority; remedy never skips TLS verification`,
    );
  const token =
    user.token ??
    (user.tokenFile ? (await readFile(resolve(base, user.tokenFile), 'utf8')).trim() : undefined);
  if (!token) {
    throw new Error(
      `${path}: user ${context.user} has no bearer token${user.exec ? ' (exec plugins are not supported here: use a token)' : ''}`,
    );
  }
  return { server: cluster.server, caData, token };
};
