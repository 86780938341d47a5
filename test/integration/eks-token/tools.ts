import { execFile, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The frozen clock every run shares; faketime's plain timestamp (no '@') stops the clock there. */
export const CLOCK = '2026-11-25 12:00:00';
export const CLOCK_DATE = new Date('2026-11-25T12:00:00Z');
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The AWS documentation's example key pair: nothing here is ever sent anywhere.
export const KEYS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
export const SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+example+session/token==';

/** An installed aws CLI and its major version (1: indented JSON output; 2: one line). */
export interface AwsCli {
  readonly path: string;
  readonly version: string;
  readonly major: number;
}

const which = (name: string): string | undefined => {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
};

const canonical = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** Every distinct aws CLI on this machine: PATH's (often a pyenv v1 shim) and Debian's /usr/bin/aws (v2). */
export function findAwsClis(): AwsCli[] {
  const seen = new Set<string>();
  const clis: AwsCli[] = [];
  for (const candidate of [which('aws'), '/usr/bin/aws', '/usr/local/bin/aws']) {
    const real = candidate === undefined ? undefined : canonical(candidate);
    if (candidate === undefined || real === undefined || seen.has(real)) continue;
    seen.add(real);
    const out = spawnSync(candidate, ['--version'], { encoding: 'utf8', env: cleanEnv() });
    const version = `${out.stdout}${out.stderr}`.trim();
    const major = /aws-cli\/(\d+)\./.exec(version)?.[1];
    if (out.status === 0 && major !== undefined)
      clis.push({ path: candidate, version, major: Number(major) });
  }
  return clis;
}

/** Fails the test (never skips) with what CI must install when faketime or an aws CLI v2 is missing. */
export function requireTools(): { faketime: string; v2: AwsCli; all: AwsCli[] } {
  const faketime = which('faketime');
  if (faketime === undefined) throw new Error('faketime is not installed: apt-get install -y faketime');
  const all = findAwsClis();
  const v2 = all.find((c) => c.major === 2);
  if (v2 === undefined) {
    const found = all.map((c) => `${c.path} (${c.version})`).join(', ') || 'none';
    throw new Error(`no aws CLI v2 found (found: ${found}): apt-get install -y awscli (Debian's is v2)`);
  }
  return { faketime, v2, all };
}

/** The caller's environment without anything AWS or kubectl set, so only what a test passes counts. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AWS_') && k !== 'KUBERNETES_EXEC_INFO') env[k] = v;
  }
  return env;
}

/** Options for one run under the frozen clock. */
export interface FrozenRun {
  readonly sessionToken?: string | undefined;
  readonly env?: Record<string, string>;
}

/** Runs a command under `faketime` with fixed credentials, no config files and no network need; returns stdout. */
export async function frozen(command: string, args: string[], options: FrozenRun = {}): Promise<string> {
  const env = {
    ...cleanEnv(),
    // faketime reads the timestamp as local time: pin UTC so the clock is the same instant everywhere.
    TZ: 'UTC',
    // Timers run on the monotonic clock; freezing it could stall Node's event loop.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Makes an older v1 CLI sign for the regional STS host too (v2 is always regional and ignores it).
    AWS_STS_REGIONAL_ENDPOINTS: 'regional',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(options.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: options.sessionToken }),
    ...options.env,
  };
  const { stdout } = await run('faketime', ['-f', CLOCK, command, ...args], { env, cwd: REPO_ROOT });
  return stdout;
}

/** The token in a printed ExecCredential (either CLI's formatting). */
export const tokenOf = (stdout: string): string =>
  (JSON.parse(stdout) as { status: { token: string } }).status.token;

/** The presigned URL's host inside a token. */
export const hostOf = (token: string): string =>
  new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8')).host;
