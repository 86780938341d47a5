// Writes a kubeconfig for kubectl: cluster "sandbox" with the CA data, a bearer-token user, a context.
import { writeFile } from 'node:fs/promises';

export interface KubeconfigInput {
  server: string;
  caData: string;
  token: string;
  namespace?: string;
}

/** The kubeconfig YAML text (every value quoted, so tokens and URLs need no escaping). */
export function kubeconfigYaml(input: KubeconfigInput): string {
  const q = JSON.stringify;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: sandbox',
    '    cluster:',
    `      server: ${q(input.server)}`,
    `      certificate-authority-data: ${q(input.caData)}`,
    'users:',
    '  - name: sandbox-user',
    '    user:',
    `      token: ${q(input.token)}`,
    'contexts:',
    '  - name: sandbox',
    '    context:',
    '      cluster: sandbox',
    '      user: sandbox-user',
    ...(input.namespace ? [`      namespace: ${q(input.namespace)}`] : []),
    'current-context: sandbox',
    'preferences: {}',
    '',
  ].join('\n');
}

/** Writes the kubeconfig with owner-only permissions (it holds the token). */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await writeFile(path, kubeconfigYaml(input), { mode: 0o600 });
}
