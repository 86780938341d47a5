import { describe, expect, it } from 'vitest';
import { diffDocuments, platformCommand } from '../../../shared/cli/commands/platform.js';
import type { CliIo } from '../../../shared/cli/io.js';
import { runCli } from '../../../shared/cli/main.js';

const run = async (...argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    now: () => new Date('2026-11-25T12:00:00Z'),
  };
  const deps = {
    open: async () => {
      throw new Error('this command line must not open a table');
    },
  };
  const code = await runCli(argv, io, { platform: async () => platformCommand(deps) });
  return { code, stdout, stderr };
};

describe('remedy platform (no table)', () => {
  it.each([
    [['platform'], 'missing platform subcommand'],
    [['platform', 'sync'], 'unknown platform subcommand "sync"'],
    [['platform', 'apply', '--table-policies', 't'], 'name exactly one platform layer file'],
    [
      ['platform', 'apply', 'a.yaml', 'b.yaml', '--table-policies', 't'],
      'name exactly one platform layer file',
    ],
    [['platform', 'show', 'extra', '--table-policies', 't'], 'platform show takes no arguments'],
    [['platform', 'show'], 'no policies table'],
    [['platform', 'show', '--output', 'yaml', '--table-policies', 't'], '--output must be table or json'],
  ])('%j exits 2 with the usage, opening no table', async (argv, message) => {
    // Act
    const result = await run(...argv);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: remedy platform <subcommand>');
  });

  it('prints its help on stdout', async () => {
    expect(await run('platform', '--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('apply FILE'),
    });
  });

  it('refuses a file that does not exist before opening the table', async () => {
    // Act
    const result = await run('platform', 'apply', '/nonexistent/platform.yaml', '--table-policies', 't');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\/nonexistent\/platform\.yaml: cannot read: /);
  });
});

describe('diffDocuments', () => {
  it('lists added, changed and removed values by dotted path, lists whole', () => {
    // Act
    const diff = diffDocuments(
      { limits: { minCooldown: '1m', protectedNamespaces: ['a'] }, teams: { old: { notify: {} } } },
      { limits: { minCooldown: '5m', protectedNamespaces: ['a', 'b'], requireOwner: true } },
    );

    // Assess
    expect(diff).toEqual([
      '~ limits.minCooldown: "1m" → "5m"',
      '~ limits.protectedNamespaces: ["a"] → ["a","b"]',
      '+ limits.requireOwner: true',
      '- teams.old.notify: {}',
    ]);
  });

  it('shows nothing for equal documents whatever the key order', () => {
    expect(diffDocuments({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 })).toEqual([]);
  });
});
