// Runs `remedy ...` in-process, as the operator would type it, with captured output and an injected table.
import { vi } from 'vitest';
import {
  DeleteCommand,
  DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '#adapters/dynamodb/client/document-client.js';
import { auditCommand } from '../../../shared/cli/commands/audit.js';
import { clustersCommand } from '../../../shared/cli/commands/clusters.js';
import { controlCommand } from '../../../shared/cli/commands/control.js';
import { type EksDeps, eksCommand } from '../../../shared/cli/commands/eks.js';
import { type FireDeps, fireCommand } from '../../../shared/cli/commands/fire.js';
import { policiesCommand } from '../../../shared/cli/commands/policies.js';
import { replayCommand } from '../../../shared/cli/commands/replay.js';
import type { CliIo } from '../../../shared/cli/io.js';
import { runCli } from '../../../shared/cli/main.js';
import type { TableDeps } from '../../../shared/cli/table-session.js';

export const NOW = new Date('2026-11-25T12:00:00Z');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RemedyOptions {
  env?: Record<string, string>;
  deps?: TableDeps;
  fire?: FireDeps;
  eks?: EksDeps;
  /** The CLI's clock; default the fixed NOW (tests against the local stack pass real time). */
  now?: () => Date;
  /** A terminal that answers each question with the next of these (none: not interactive). */
  answers?: string[];
}

/** `remedy <argv>` with the table commands built from `deps` (default: fail if a table is opened). */
export async function remedy(argv: string[], options: RemedyOptions = {}) {
  let stdout = '';
  let stderr = '';
  const answers = options.answers === undefined ? undefined : [...options.answers];
  const io: CliIo = {
    env: options.env ?? {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    now: options.now ?? (() => NOW),
    interactive: answers !== undefined,
    ...(answers === undefined
      ? {}
      : {
          ask: async (question: string) => {
            stderr += question;
            const answer = answers.shift();
            if (answer === undefined) throw new Error(`unexpected question: ${question}`);
            return answer;
          },
        }),
  };
  const deps: TableDeps = options.deps ?? {
    open: async () => {
      throw new Error('this command line must not open a table');
    },
  };
  const code = await runCli(argv, io, {
    policy: async () => policiesCommand(deps),
    policies: async () => policiesCommand(deps),
    cluster: async () => clustersCommand(deps),
    clusters: async () => clustersCommand(deps),
    audit: async () => auditCommand(deps),
    replay: async () => replayCommand(deps),
    fire: async () => fireCommand(options.fire ?? {}),
    eks: async () => eksCommand(options.eks ?? {}),
    pause: async () => controlCommand('pause', deps),
    resume: async () => controlCommand('resume', deps),
    status: async () => controlCommand('status', deps),
    breaker: async () => controlCommand('breaker', deps),
  });
  return { code, stdout, stderr } satisfies Run;
}

type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * An in-memory policies table behind a real document client whose `send` is replaced: no socket, but the
 * client's paginators and command classes are the real ones. Understands exactly the calls the CLI makes.
 */
export function memoryTable(initial: Item[] = []) {
  const items = new Map<string, Item>(initial.map((i) => [`${i.pk}|${i.sk}`, i]));
  const doc = new DocumentClient({
    region: 'us-east-1',
    credentials: async () => ({ accessKeyId: 'AKIDUNIT', secretAccessKey: 's' }),
  });
  const writes: string[] = [];
  vi.spyOn(doc, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof ScanCommand) {
      const prefix = String(command.input.ExpressionAttributeValues?.[':prefix'] ?? '');
      return { Items: [...items.values()].filter((i) => i.pk.startsWith(prefix)) };
    }
    if (command instanceof QueryCommand) {
      const pk = command.input.ExpressionAttributeValues?.[':pk'];
      return { Items: [...items.values()].filter((i) => i.pk === pk) };
    }
    if (command instanceof GetCommand) {
      const key = command.input.Key as { pk: string; sk: string };
      const item = items.get(`${key.pk}|${key.sk}`);
      return item === undefined ? {} : { Item: structuredClone(item) };
    }
    if (command instanceof PutCommand) {
      const item = command.input.Item as Item;
      writes.push(`put ${item.pk}/${item.sk}`);
      items.set(`${item.pk}|${item.sk}`, structuredClone(item));
      return {};
    }
    if (command instanceof DeleteCommand) {
      const key = command.input.Key as { pk: string; sk: string };
      writes.push(`delete ${key.pk}/${key.sk}`);
      items.delete(`${key.pk}|${key.sk}`);
      return {};
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  }) as never);
  let opened = 0;
  const deps: TableDeps = {
    open: async () => {
      opened++;
      return { doc, close: () => {} };
    },
  };
  return { items, writes, deps, opened: () => opened };
}

/** The environment that names a table without AWS (the memory table ignores the endpoint). */
export const TABLE_ENV = { POLICY_TABLE: 'remedy-policies-unit' };
