import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryTable, remedy, TABLE_ENV } from './run-cli.js';

const POLICY_DIR = fileURLToPath(new URL('../../../infra/policies', import.meta.url));
const CRASH_LOOP = join(POLICY_DIR, 'restart-crashlooping-pod.yaml');
const NOT_READY = join(POLICY_DIR, 'notify-pod-not-ready.yaml');

describe('remedy policies validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remedy-cli-'));
    const crashLoop = await readFile(CRASH_LOOP, 'utf8');
    await mkdir(join(dir, 'broken'));
    // A duplicate key is a YAML error: the second `name:` must not silently win.
    await writeFile(join(dir, 'broken', 'a-syntax.yaml'), 'name: a\npriority: 1\nname: b\n');
    await writeFile(join(dir, 'broken', 'b-schema.yaml'), crashLoop.replace('type: deletePod', 'type: nuke'));
    await writeFile(join(dir, 'broken', 'c-empty.yml'), '');
    await writeFile(
      join(dir, 'broken', 'd-tie.yaml'),
      crashLoop.replace(/^name: .*$/m, 'name: crash-loop-twin'),
    );
    await writeFile(join(dir, 'broken', 'e-same-name.json'), JSON.stringify({ name: 'x' }));
    await writeFile(join(dir, 'broken', 'notes.txt'), 'not a policy, not read');
    await mkdir(join(dir, 'empty'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the example policies, one line per file, without opening a table', async () => {
    // Act
    const run = await remedy(['policies', 'validate', POLICY_DIR]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`${CRASH_LOOP}: ok (restart-crashlooping-pod)\n`);
    expect(run.stdout).toContain(`${NOT_READY}: ok (notify-pod-not-ready)\n`);
  });

  it('reports every problem on its own line, prefixed by its file, in file order', async () => {
    // Prepare
    const broken = join(dir, 'broken');

    // Act
    const run = await remedy(['policies', 'validate', broken, join(dir, 'missing.yaml')]);

    // Assess
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${broken}/a-syntax.yaml: line 3, column 1: Map keys must be unique`);
    expect(lines).toContain(`${broken}/b-schema.yaml: action.type: ${discriminatorMessage(lines)}`);
    expect(lines).toContain(`${broken}/c-empty.yml: the file is empty`);
    expect(lines).toContain(`${join(dir, 'missing.yaml')}: no such file or directory`);
    expect(lines.at(-1)).toBe(`${join(dir, 'missing.yaml')}: no such file or directory`);
    expect(lines.filter((l) => l.startsWith(`${broken}/e-same-name.json: `)).length).toBeGreaterThan(1);
    expect(run.stdout).not.toContain('notes.txt');
    expect(run.stderr).toMatch(/^remedy: \d+ problems: the policy set is invalid\n$/);
  });

  it('names the file that introduced a priority tie or a duplicate name', async () => {
    // Prepare
    const twin = join(dir, 'twin.yaml');
    // A copy: the same name and the same priority as the original.
    await writeFile(twin, await readFile(CRASH_LOOP, 'utf8'));

    // Act
    const run = await remedy(['policies', 'validate', CRASH_LOOP, join(dir, 'broken', 'd-tie.yaml'), twin]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        `${join(dir, 'broken', 'd-tie.yaml')}: policies "restart-crashlooping-pod" and "crash-loop-twin" both handle KubePodCrashLooping with priority 100: give one a higher priority`,
        `${twin}: policy name "restart-crashlooping-pod" is used twice`,
        `${twin}: policies "crash-loop-twin" and "restart-crashlooping-pod" both handle KubePodCrashLooping with priority 100: give one a higher priority`,
        '',
      ].join('\n'),
    );
  });

  it('reads a file named twice (directly and through its folder) once', async () => {
    // Act
    const run = await remedy(['policies', 'validate', POLICY_DIR, CRASH_LOOP]);

    // Assess
    expect(run.code).toBe(0);
  });

  it('prints JSON with --output json, valid or not', async () => {
    // Act
    const good = await remedy(['policies', 'validate', CRASH_LOOP, '--output', 'json']);
    const bad = await remedy(['policies', 'validate', join(dir, 'empty'), '--output', 'json']);

    // Assess
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({
      valid: true,
      policies: [
        {
          name: 'restart-crashlooping-pod',
          alertname: 'KubePodCrashLooping',
          priority: 100,
          action: 'deletePod',
          file: CRASH_LOOP,
        },
      ],
    });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      valid: false,
      problems: [{ file: join(dir, 'empty'), message: 'no policy files (*.yaml, *.yml, *.json)' }],
    });
  });
});

describe('remedy policies: command lines that cannot run', () => {
  it.each([
    ['no subcommand', ['policies'], /missing policy subcommand/],
    ['an unknown subcommand', ['policies', 'sync'], /unknown policy subcommand "sync"/],
    ['validate without a path', ['policies', 'validate'], /name at least one policy folder or file/],
    ['apply without a path', ['policies', 'apply', '--local'], /name at least one policy folder or file/],
    ['an unknown flag', ['policies', 'apply', POLICY_DIR, '--force'], /Unknown option '--force'/],
    [
      'a bad --output',
      ['policies', 'list', '--output', 'yaml'],
      /--output must be table or json, got "yaml"/,
    ],
    ['list with a stray argument', ['policies', 'list', 'x'], /Unexpected argument 'x'/],
    [
      'no table anywhere',
      ['policies', 'list'],
      /no policies table: pass --table-policies NAME, set POLICY_TABLE, or add --local/,
    ],
    [
      'a bad endpoint',
      ['policies', 'list', '--table-policies', 't', '--endpoint', 'localhost:8000'],
      /must be an http\(s\) URL/,
    ],
    [
      'a bad region',
      ['policies', 'list', '--table-policies', 't', '--region', 'EU'],
      /invalid AWS region "EU"/,
    ],
  ])('exits 2 with the usage for %s, opening no table', async (_name, argv, message) => {
    // Act
    const run = await remedy(argv);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: remedy policy <subcommand>');
  });

  it('prints help on stdout with exit 0, and lists the command in remedy --help', async () => {
    // Act
    const help = await remedy(['policies', 'apply', '--help']);
    const top = await remedy(['--help']);

    // Assess
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('apply <dir|file...> [--dry-run] [--prune]');
    expect(top.stdout).toMatch(/\n {2}policy +policy files/);
    expect(top.stdout).toMatch(/\n {2}policies +the same as `policy`/);
  });
});

describe('remedy policies apply and list (in-memory table)', () => {
  it('refuses the whole set when one file is invalid, writing nothing', async () => {
    // Prepare
    const table = memoryTable();
    const dir = await mkdtemp(join(tmpdir(), 'remedy-cli-'));
    await writeFile(join(dir, 'bad.yaml'), 'name: bad\n');

    // Act
    const run = await remedy(['policies', 'apply', CRASH_LOOP, join(dir, 'bad.yaml')], {
      env: TABLE_ENV,
      deps: table.deps,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${join(dir, 'bad.yaml')}: match: `);
    expect(run.stderr).toMatch(/problems: nothing applied/);
    expect(table.opened()).toBe(0);
    await rm(dir, { recursive: true });
  });

  it('prints a line per change and a summary, then lists the table', async () => {
    // Prepare
    const table = memoryTable();

    // Act
    const apply = await remedy(['policies', 'apply', CRASH_LOOP, NOT_READY, '--yes'], {
      env: TABLE_ENV,
      deps: table.deps,
    });
    const list = await remedy(['policies', 'list'], { env: TABLE_ENV, deps: table.deps });

    // Assess
    expect(apply).toEqual({
      code: 0,
      stdout: [
        `would create restart-crashlooping-pod [KubePodCrashLooping] ${CRASH_LOOP}`,
        `would create notify-pod-not-ready [KubePodNotReady] ${NOT_READY}`,
        `created restart-crashlooping-pod [KubePodCrashLooping] ${CRASH_LOOP}`,
        `created notify-pod-not-ready [KubePodNotReady] ${NOT_READY}`,
        '2 created in remedy-policies-unit',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(table.writes).toEqual([
      'put POLICY#KubePodCrashLooping/restart-crashlooping-pod',
      'put POLICY#KubePodNotReady/notify-pod-not-ready',
    ]);
    expect(list.stdout).toBe(
      [
        'NAME                      ALERTNAME            PRIORITY  ACTION      STATUS',
        'restart-crashlooping-pod  KubePodCrashLooping  100       deletePod   ok',
        'notify-pod-not-ready      KubePodNotReady      10        notifyOnly  ok',
        '',
      ].join('\n'),
    );
  });

  it('flags an invalid record, escaping control characters a table record could carry', async () => {
    // Prepare
    const table = memoryTable([
      { pk: 'POLICY#Broken', sk: 'evil\u001b[2Jname', document: { name: 'evil', action: { type: 'nuke' } } },
      { pk: 'CLUSTERS', sk: 'sandbox', document: { name: 'sandbox' } },
    ]);

    // Act
    const run = await remedy(['policies', 'list'], { env: TABLE_ENV, deps: table.deps });
    const json = await remedy(['policies', 'list', '--output', 'json'], { env: TABLE_ENV, deps: table.deps });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('evil\\u001b[2Jname  Broken     -         -       INVALID document.match: ');
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).not.toContain('sandbox');
    expect(run.stderr).toMatch(/1 invalid record: the function skips it/);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'evil\u001b[2Jname', alertname: 'Broken', valid: false }),
    ]);
  });

  it('says so when the table holds no policy', async () => {
    // Act
    const run = await remedy(['policies', 'list'], { env: TABLE_ENV, deps: memoryTable().deps });

    // Assess
    expect(run).toEqual({ code: 0, stdout: 'no policies in remedy-policies-unit\n', stderr: '' });
  });
});

/** zod's wording for an unknown discriminator changes with its version: take it from the output. */
const discriminatorMessage = (lines: string[]) =>
  lines.find((l) => l.includes('b-schema.yaml: action.type: '))?.split('action.type: ')[1] ?? 'missing';
