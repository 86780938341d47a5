// The sandbox's fixed, fake nodes. There is no Node resource and no scheduler: DaemonSets place one pod
// on each of these, and other pods keep the single default node name set by pod defaulting.

/** A node as the DaemonSet controller sees it: a name and the labels a nodeSelector is matched against. */
export interface SandboxNode {
  name: string;
  labels: Readonly<Record<string, string>>;
}

const node = (name: string): SandboxNode => ({
  name,
  labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
});

/** sandbox-node-a and sandbox-node-b. */
export const SANDBOX_NODES: readonly SandboxNode[] = [node('sandbox-node-a'), node('sandbox-node-b')];

/** True when the node has every label of a pod's `nodeSelector` (an empty or missing one matches all). */
export function nodeMatches(nodeSelector: unknown, target: SandboxNode): boolean {
  if (typeof nodeSelector !== 'object' || nodeSelector === null) return true;
  return Object.entries(nodeSelector).every(([k, v]) => target.labels[k] === v);
}
