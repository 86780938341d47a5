// Server binaries from Debian (Prometheus, Alertmanager) run on 127.0.0.1 by the local stack and the tests:
// found on PATH or a clear install hint, output captured, killed if Node exits, ready when /-/ready answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Grace period between SIGTERM and SIGKILL on stop. */
const STOP_GRACE_MS = 5_000;

export interface Daemon {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it logged so far (stdout and stderr). */
  logs(): string;
  stop(): Promise<void>;
}

/** The first executable of `names` on `searchPath` (then `extraDirs`), or an error naming how to install it. */
export function findBinary(
  displayName: string,
  names: readonly string[],
  installHint: string,
  searchPath = process.env.PATH ?? '',
  extraDirs: readonly string[] = ['/usr/bin'],
): string {
  const dirs = [...searchPath.split(delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    `${displayName} not found: no executable ${names.map((n) => `"${n}"`).join(' or ')} in ${dirs.join(delimiter)}. ` +
      `${installHint}; .ci/run does this.`,
  );
}

/**
 * Spawns `binary args`, waits until `${url}/-/ready` answers 200, and returns it running. `cleanup` runs after
 * the process is gone (temporary directories). A process that exits or never gets ready is an error with its log.
 */
export async function startDaemon(options: {
  name: string;
  binary: string;
  args: readonly string[];
  url: string;
  readyTimeoutMs: number;
  cleanup?: () => Promise<void>;
}): Promise<Daemon> {
  const { name, url } = options;
  const child = spawn(options.binary, [...options.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await stopChild(child);
    await options.cleanup?.();
  };
  try {
    await waitUntilReady(name, url, child, () => output, options.readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logs: () => output, stop };
}

async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  logs: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms:\n${logs()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Asks the OS for a free TCP port on 127.0.0.1, for servers that cannot listen on port 0 and report it. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
