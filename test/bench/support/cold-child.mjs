// One fresh Node process = one cold start. Plain JavaScript (no tsx), so only the bundle's own load is timed.
// argv: <bundle file> <export name>. Reports over IPC: {loaded, loadMs}; then runs each {invoke, event} it is
// sent and answers {done, ms, error}; {exit} ends it (handlers keep sockets open, as in Lambda).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, exportName] = process.argv.slice(2);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(pathToFileURL(file).href);
const handler = mod[exportName];
const loadMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);
// Deterministic companions to the timings: the CommonJS modules the load pulled in (the AWS SDK is CommonJS)
// and which packages they belong to.
const modules = Object.keys(createRequire(import.meta.url).cache);
const packages = [
  ...new Set(modules.map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1]).filter(Boolean)),
];
process.send({
  type: 'loaded',
  loadMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  modules: modules.length,
  packages,
});
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
  const c = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(c);
    return (used.user + used.system) / 1000;
  };
  try {
    const result = await handler(msg.event, context);
    process.send({ type: 'done', ms: performance.now() - t, cpuMs: cpuMs(), result });
  } catch (error) {
    process.send({
      type: 'done',
      ms: performance.now() - t,
      cpuMs: cpuMs(),
      error: String(error?.stack ?? error),
    });
  }
});
