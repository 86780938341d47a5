// One fresh Node process = one cold start. Plain JavaScript (no tsx), so only the bundle's own load is timed.
// argv: <bundle file> <export name>. Reports over IPC: {loaded, loadMs}; then runs each {invoke, event} it is
// sent and answers {done, ms, error}; {exit} ends it (handlers keep sockets open, as in Lambda).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, exportName] = process.argv.slice(2);
const t0 = performance.now();
const mod = await import(pathToFileURL(file).href);
const handler = mod[exportName];
const loadMs = performance.now() - t0;
if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);
process.send({ type: 'loaded', loadMs });
process.on('message', async (msg) => {
  if (msg.type === 'exit') process.exit(0);
  if (msg.type !== 'invoke') return;
  const started = Date.now();
  const context = {
    awsRequestId: randomUUID(),
    functionName: exportName,
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000 - (Date.now() - started),
  };
  const t = performance.now();
  try {
    const result = await handler(msg.event, context);
    process.send({ type: 'done', ms: performance.now() - t, result });
  } catch (error) {
    process.send({ type: 'done', ms: performance.now() - t, error: String(error?.stack ?? error) });
  }
});
