// Clients for the sandbox integration tests: the real kubectl and a raw HTTPS client trusting only the CA,
// and a sandbox of the test file's own.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox } from '../../../infra/local/sandbox/index.js';
import type { K8sObject } from '../../../infra/local/sandbox/types.js';

const run = promisify(execFile);

/** For a test file's beforeAll: a sandbox in a fresh temporary directory, with `namespace` created if given. */
export async function startTestSandbox(
  name: string,
  opts: { seed?: boolean; namespace?: string } = {},
): Promise<{ sandbox: Sandbox; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `remedy-sandbox-${name}-`));
  const sandbox = await startSandbox({ dir, ...(opts.seed === false ? { seed: false } : {}) });
  if (opts.namespace) sandbox.store.create('namespaces', { metadata: { name: opts.namespace } });
  return { sandbox, dir };
}

/** For afterAll: stops what startTestSandbox started (either may be missing when beforeAll failed). */
export async function stopTestSandbox(sandbox: Sandbox | undefined, dir: string | undefined): Promise<void> {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Runs the real kubectl against the sandbox; fails (never skips) when kubectl is not installed. */
export async function kubectl(sandbox: Sandbox, home: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, ...args], {
      // A private HOME keeps kubectl's discovery cache out of the user's ~/.kube.
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 30_000,
    });
    return stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(
        'kubectl is not on PATH: the sandbox integration tests need the real kubectl (e.g. apt-get install kubernetes-client)',
      );
    }
    throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

/** Runs the real kubectl expecting it to fail; resolves with its stderr (rejects if it succeeds). */
export async function kubectlFails(sandbox: Sandbox, home: string, ...args: string[]): Promise<string> {
  try {
    await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 30_000,
    });
  } catch (e) {
    return (e as { stderr?: string }).stderr ?? '';
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded but was expected to fail`);
}

/** The data rows of kubectl's table output, split into cells. */
export const tableRows = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/));

export interface Reply {
  status: number;
  body: Record<string, unknown> & { items?: K8sObject[] };
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  /** null sends no Authorization header; undefined uses the sandbox token. */
  token?: string | null;
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  contentType?: string;
  /** Abort the request after this many milliseconds (rejects with a timeout error). */
  timeoutMs?: number;
}

/** A raw HTTPS call that trusts only the sandbox CA (no insecure flag). */
export function call(sandbox: Sandbox, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const token = opts.token === undefined ? sandbox.token : opts.token;
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, sandbox.url),
      {
        method,
        ca: sandbox.caPem,
        headers: {
          Accept: 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          // Node sends a DELETE body unframed unless Content-Length is set.
          ...(payload
            ? {
                'Content-Type': opts.contentType ?? 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          const json = (res.headers['content-type'] ?? '').startsWith('application/json');
          const body = !text ? {} : json ? JSON.parse(text) : { text };
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () =>
        req.destroy(new Error(`client timeout after ${opts.timeoutMs} ms`)),
      );
    }
    req.end(payload);
  });
}

/** Opens a watch and resolves with the events received up to and including the first DELETED one. */
export function watchUntilDeleted(
  sandbox: Sandbox,
  path: string,
): Promise<Array<{ type: string; object: K8sObject }>> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, sandbox.url),
      { ca: sandbox.caPem, headers: { Authorization: `Bearer ${sandbox.token}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          if (text.includes('"DELETED"')) {
            resolve(
              text
                .trim()
                .split('\n')
                .map((l) => JSON.parse(l)),
            );
            req.destroy();
          }
        });
        res.on('end', () => reject(new Error(`watch ended without a DELETED event: ${text}`)));
      },
    );
    req.on('error', () => undefined); // destroy() after resolving raises an abort error
    req.end();
  });
}
