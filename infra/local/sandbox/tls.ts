// A throwaway CA and a server certificate signed by it, made with the `openssl` CLI at start.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw new Error(
        'sandbox: the `openssl` CLI is not on PATH; install it (Debian: apt-get install openssl)',
      );
    throw new Error(`sandbox: openssl ${args[0]} failed: ${err.stderr ?? err.message}`);
  }
}

/** subjectAltName entries: always 127.0.0.1, ::1 and localhost, plus the listen host when specific. */
export function subjectAltNames(host: string): string[] {
  const names = new Set(['IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1', 'DNS:localhost']);
  if (host && host !== '0.0.0.0' && host !== '::') names.add(isIP(host) ? `IP:${host}` : `DNS:${host}`);
  return [...names];
}

/**
 * Writes ca.pem, ca-key.pem, server.pem and server-key.pem into `dir` (EC P-256, valid one year) and
 * returns the PEMs. The server certificate has serverAuth and SANs, which Go (kubectl) requires.
 */
export async function generateTls(dir: string, host: string): Promise<TlsMaterial> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '365',
      '-subj',
      '/CN=remedy-sandbox-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(
    [
      'req',
      ...ec,
      '-keyout',
      'server-key.pem',
      '-out',
      'server.csr',
      '-subj',
      '/CN=remedy-sandbox-apiserver',
    ],
    dir,
  );
  await writeFile(
    join(dir, 'server-ext.cnf'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${subjectAltNames(host).join(',')}`,
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-days',
      '365',
      '-sha256',
      '-extfile',
      'server-ext.cnf',
      '-out',
      'server.pem',
    ],
    dir,
  );
  const [caPem, certPem, keyPem] = await Promise.all(
    ['ca.pem', 'server.pem', 'server-key.pem'].map((f) => readFile(join(dir, f), 'utf8')),
  );
  return { caPem: caPem as string, certPem: certPem as string, keyPem: keyPem as string };
}
