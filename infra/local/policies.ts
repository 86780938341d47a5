import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PolicySource } from '#app/apply-policies.js';

/** Reads every *.yaml / *.yml / *.json policy document in a folder (one policy per file). */
export const readPolicyFiles = (dir: string): PolicySource[] =>
  readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const origin = join(dir, f);
      return { origin, document: parse(readFileSync(origin, 'utf8')) as unknown };
    });
