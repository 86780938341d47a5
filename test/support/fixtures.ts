import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Loads test/fixtures/<group>/<name>.json, a fresh copy per call so tests cannot leak edits into each other. */
export const getFixture = <T = unknown>(group: string, name: string): T =>
  structuredClone(
    JSON.parse(
      readFileSync(fileURLToPath(new URL(`../fixtures/${group}/${name}.json`, import.meta.url)), 'utf8'),
    ),
  ) as T;
