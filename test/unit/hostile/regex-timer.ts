import { Worker } from 'node:worker_threads';

/**
 * Times `regex.test(input)` in a worker thread, so a catastrophic regex cannot hang the test runner: after
 * `giveUpMs` the worker is terminated (V8 interrupts a backtracking regex) and the result says so.
 * The worker runs the very RegExp remedy compiled (same source and flags), as `matches()` would call it.
 */
export type RegexTiming = { finished: true; ms: number; matched: boolean } | { finished: false; ms: number };

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const regex = new RegExp(workerData.source, workerData.flags);
const started = performance.now();
const matched = regex.test(workerData.input);
parentPort.postMessage({ matched, ms: performance.now() - started });
`;

export const timeRegex = (regex: RegExp, input: string, giveUpMs: number): Promise<RegexTiming> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { source: regex.source, flags: regex.flags, input },
    });
    const timer = setTimeout(() => {
      void worker.terminate().then(() => resolve({ finished: false, ms: giveUpMs }));
    }, giveUpMs);
    worker.once('message', (m: { matched: boolean; ms: number }) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve({ finished: true, ...m }));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
