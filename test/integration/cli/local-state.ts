// A local.json like the one `npm start` writes, pointing at this test file's tables in DynamoDB Local.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import type { TestTables } from '../../support/dynamodb.js';

/** Writes the state file and returns the CLI environment that points `--local` at it. */
export async function writeLocalState(tables: TestTables) {
  const dir = await mkdtemp(join(tmpdir(), 'remedy-cli-int-'));
  const file = join(dir, 'local.json');
  await writeFile(
    file,
    JSON.stringify({
      sns: { endpoint: 'http://127.0.0.1:1/', region: LOCAL_REGION, ...LOCAL_CREDENTIALS },
      dynamodb: { endpoint: tables.endpoint, policyTable: tables.policyTable, stateTable: tables.stateTable },
    }),
  );
  return { dir, env: { REMEDY_LOCAL_JSON: file }, remove: () => rm(dir, { recursive: true, force: true }) };
}
