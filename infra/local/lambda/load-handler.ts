// Loads a function's handler from source, by serverless.yml's handler string (`functions/remediate.handler`).
// The local stack runs under tsx, so TypeScript files import directly; no bundle is built.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaHandler } from './invoke-async.js';

/** Source extensions tried in order, as esbuild resolves the handler file when packaging. */
const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** Imports `<root>/<file>.<ext>` and returns its export, failing clearly when either is missing. */
export async function loadHandler(
  root: string,
  handler: { file: string; export: string },
): Promise<LambdaHandler> {
  const candidates = EXTENSIONS.map((ext) => join(root, `${handler.file}${ext}`));
  const path = await firstExisting(candidates);
  if (path === undefined) throw new Error(`handler file not found: tried ${candidates.join(', ')}`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const fn = module[handler.export];
  if (typeof fn !== 'function') {
    throw new Error(
      `${path} has no exported function "${handler.export}" (exports: ${Object.keys(module).join(', ')})`,
    );
  }
  return fn as LambdaHandler;
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {
      // not this extension
    }
  }
  return undefined;
}
