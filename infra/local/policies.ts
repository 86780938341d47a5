import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DocumentClient } from '#adapters/dynamodb/client/document-client.js';
import { writePlatform } from '#adapters/dynamodb/platform-store.js';
import type { PolicySource } from '#app/apply-policies.js';
import { type Platform, parsePlatform } from '#domain/policy/platform.js';

/** Reads every *.yaml / *.yml / *.json policy document in a folder (one policy per file). */
export const readPolicyFiles = (dir: string): PolicySource[] =>
  readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const origin = join(dir, f);
      return { origin, document: parse(readFileSync(origin, 'utf8')) as unknown };
    });

/**
 * Loads the platform layer file into the policies table (as `remedy platform apply` would), refusing an
 * invalid one, and returns it so the example policies are checked against it before they are stored.
 */
export const loadPlatformFile = async (
  doc: DocumentClient,
  table: string,
  file: string,
): Promise<Platform> => {
  const document = parse(readFileSync(file, 'utf8')) as unknown;
  const parsed = parsePlatform(document);
  if (!parsed.ok) throw new Error(`invalid platform layer ${file}:\n  ${parsed.problems.join('\n  ')}`);
  await writePlatform(doc, table, document, new Date().toISOString());
  return parsed.platform;
};
