// Every Alertmanager config shipped in infra/alertmanager passes Debian's `amtool check-config` (0.25), the
// Amazon Managed Service for Prometheus definition included (its alertmanager_config and template_files,
// written out as AMP would use them). amtool missing is a failure, never a skip.
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const DIR = fileURLToPath(new URL('../../../infra/alertmanager/', import.meta.url));
const AMP_DEFINITION = 'amp-alert-manager-definition.yml';

const amtool = (() => {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin']) {
    try {
      accessSync(join(dir, 'amtool'), constants.X_OK);
      return join(dir, 'amtool');
    } catch {
      // not here
    }
  }
  throw new Error(
    "amtool not found on PATH: install Debian's prometheus-alertmanager (apt-get install prometheus-alertmanager)",
  );
})();

const check = async (...files: string[]) => {
  try {
    const { stdout, stderr } = await run(amtool, ['check-config', ...files]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

const configs = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f) && f !== AMP_DEFINITION);

describe('amtool check-config', () => {
  it('finds the shipped configs: SNS, local SNS, webhook', () => {
    expect(configs.sort()).toEqual([
      'alertmanager-webhook.yml',
      'alertmanager.local.yml',
      'alertmanager.yml',
    ]);
  });

  it.each(configs)('accepts infra/alertmanager/%s', async (file) => {
    const result = await check(join(DIR, file));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('accepts the AMP alert manager definition, whose inlined template is remedy.tmpl verbatim', async () => {
    const definition = parse(readFileSync(join(DIR, AMP_DEFINITION), 'utf8')) as {
      template_files: Record<string, string>;
      alertmanager_config: string;
    };
    expect(definition.template_files['remedy.tmpl']).toBe(readFileSync(join(DIR, 'remedy.tmpl'), 'utf8'));
    const config = parse(definition.alertmanager_config) as {
      receivers: Array<Record<string, unknown> & { sns_configs?: Array<Record<string, unknown>> }>;
    };
    // What AMP allows: SNS receivers only, no api_url, a sigv4 region.
    for (const receiver of config.receivers) {
      expect(Object.keys(receiver).sort()).toEqual(['name', 'sns_configs']);
      for (const sns of receiver.sns_configs ?? []) {
        expect(sns.api_url).toBeUndefined();
        expect(sns.sigv4).toMatchObject({ region: expect.any(String) });
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'remedy-amp-'));
    temps.push(dir);
    for (const [name, text] of Object.entries(definition.template_files))
      await writeFile(join(dir, name), text);
    await writeFile(join(dir, 'alertmanager.yml'), definition.alertmanager_config);
    const result = await check(join(dir, 'alertmanager.yml'));
    expect(result.output).toContain('1 templates');
    expect(result.ok).toBe(true);
  });

  it('would catch a broken config (the check is real)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remedy-amtool-'));
    temps.push(dir);
    const broken = readFileSync(join(DIR, 'alertmanager-webhook.yml'), 'utf8').replace(
      'type: Bearer',
      'type: Bearer\n            credentials: inline-too',
    );
    await writeFile(join(dir, 'alertmanager.yml'), broken);
    const result = await check(join(dir, 'alertmanager.yml'));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/FAILED/);
  });
});
