import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../shared/cli/bin.mjs', import.meta.url));

/** package.json's `bin` runs with plain node (as `npx remedy` does), exit codes included. */
describe('the remedy executable', () => {
  const remedy = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, REMEDY_TOPIC_ARN: '' },
    });

  it('prints the commands with exit 0', () => {
    const help = remedy('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: remedy <command>/);
    expect(help.stdout).toMatch(/\n {2}fire +publish a test alert/);
  });

  it('exits 2 for a command line that cannot run, and prints what fire would send', () => {
    expect(remedy('nope').status).toBe(2);
    const printed = remedy('fire', '--print', '--label', 'namespace=demo');
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({
      commonLabels: { alertname: 'RemedyTestAlert', namespace: 'demo' },
    });
  });
});
