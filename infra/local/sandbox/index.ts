// An in-process, in-memory Kubernetes API server for local runs and tests, that the real kubectl
// (through the kubeconfig it writes) and remedy's own HTTPS client can talk to.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import { attachControllers } from './controllers/index.js';
import { FaultInjector, type SandboxFaults } from './http/faults.js';
import { createApiServer, type RequestLogEntry } from './http/server.js';
import { writeKubeconfig } from './kubeconfig.js';
import { seed } from './seed.js';
import { SandboxStore } from './store.js';
import { generateTls } from './tls.js';

export { SANDBOX_NODES, type SandboxNode } from './controllers/nodes.js';
export type { Fault, FaultSpec, SandboxFaults } from './http/faults.js';
export type { RequestLogEntry } from './http/server.js';
export { SandboxStore } from './store.js';
export type { K8sObject, ResourceDef } from './types.js';

export interface SandboxOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral); start.ts passes 6443. */
  port?: number;
  /** Where ca.pem, the server certificate/key and the kubeconfig are written (created if missing). */
  dir: string;
  /** The bearer token kubectl and remedy's client use; default random. */
  token?: string;
  /** Extra authenticator (e.g. for EKS tokens): a token is accepted if it equals `token` or this resolves true. */
  authenticate?: (token: string) => boolean | Promise<boolean>;
  /**
   * Default true: seed namespace demo (Deployment web, PodDisruptionBudget web-pdb) and namespace data
   * (StatefulSet db, DaemonSet agent); see seed.ts.
   */
  seed?: boolean;
}

export interface Sandbox {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  /** base64 of caPem, as kubeconfig certificate-authority-data and EKS certificateAuthority.data. */
  caData: string;
  token: string;
  /** Absolute path of a kubeconfig (cluster/context "sandbox", current-context set). */
  kubeconfigPath: string;
  /** The in-memory objects, for tests to inspect or insert (controllers run after each write). */
  store: SandboxStore;
  /** Every request received, in order (those taken by a fault carry `fault`). */
  requests: RequestLogEntry[];
  /**
   * Fault injection: `faults.add({ method, pathPattern, status, times, retryAfterSeconds, delayMs, body })`
   * answers the next matching requests with that status (or `'reset'`, or `'pass'` after a delay) before
   * normal handling.
   */
  faults: SandboxFaults;
  close(): Promise<void>;
}

/** Starts the sandbox API server (TLS with a fresh CA, bearer-token auth, controllers, optional seed). */
export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const host = opts.host ?? '127.0.0.1';
  const tls = await generateTls(dir, host);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const store = new SandboxStore();
  attachControllers(store);
  if (opts.seed !== false) seed(store);

  const requests: RequestLogEntry[] = [];
  const faults = new FaultInjector();
  const api = createApiServer({
    faults,
    store,
    token,
    authenticate: opts.authenticate,
    key: tls.keyPem,
    cert: tls.certPem,
    requests,
  });
  await new Promise<void>((ok, fail) => {
    api.server.once('error', fail);
    api.server.listen(opts.port ?? 0, host, () => {
      api.server.off('error', fail);
      ok();
    });
  });
  const { port } = api.server.address() as AddressInfo;
  // A wildcard listen address is reached through loopback, which the certificate covers.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : isIPv6(host) ? `[${host}]` : host;
  const url = `https://${urlHost}:${port}`;
  const caData = Buffer.from(tls.caPem).toString('base64');
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caData, token });

  let closed: Promise<void> | undefined;
  return {
    url,
    caPem: tls.caPem,
    caData,
    token,
    kubeconfigPath,
    store,
    requests,
    faults,
    close: () => {
      closed ??= new Promise<void>((done) => {
        api.server.close(() => done());
        api.shutdown();
      });
      return closed;
    },
  };
}
