// The local followup queue for the stack: an SQS endpoint serving serverless.yml's SQS-triggered functions'
// queues, the environment the functions need to reach it, and the wiring of those functions as consumers.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/local-account.js';
import { readSqsWiring, type SqsConsumerWiring } from '../serverless-wiring.js';
import { type SqsEndpoint, startSqsEndpoint } from './sqs-endpoint.js';
import { subscribeQueues } from './subscribe-queues.js';

/** Locally a failed followup comes back after this long instead of the deployed 6 minutes. */
export const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 1;

export interface LocalQueues {
  sqs: SqsEndpoint;
  wiring: SqsConsumerWiring[];
  /** FOLLOWUP_QUEUE_URL, SQS_ENDPOINT_URL and (when shortened) REMEDY_VERIFY_DELAY_SCALE for the functions. */
  env: Record<string, string>;
  /** What `.remedy/local.json` says about the queues. */
  localJson: { endpoint: string; followupQueueUrl: string | undefined; deadLetters: string };
  /** Starts the consumers; call once the functions' environment is in place (handlers read it at load). */
  subscribe(): Promise<void>;
  close(): Promise<void>;
}

export const startLocalQueues = async (o: {
  root: string;
  stateDir: string;
  port?: number;
  /** Factor on every policy's `verify.after` (e2e: 0.005 turns 5m into 1.5s). */
  verifyDelayScale?: number | undefined;
  visibilityTimeoutSeconds?: number;
  log?: (line: string) => void;
}): Promise<LocalQueues> => {
  const log = o.log ?? (() => {});
  const wiring = await readSqsWiring(join(o.root, 'serverless.yml'), { region: LOCAL_REGION });
  const deadLetterFile = join(o.stateDir, 'queue-dead-letters.jsonl');
  const sqs = await startSqsEndpoint({
    ...(o.port !== undefined ? { port: o.port } : {}),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    queues: [...new Map(wiring.map((w) => [w.queue, w])).values()].map((w) => ({
      name: w.queue,
      visibilityTimeoutSeconds: o.visibilityTimeoutSeconds ?? LOCAL_VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: w.maxReceiveCount ?? 5,
    })),
    onDeadLetter: (m) => appendFile(deadLetterFile, `${JSON.stringify(m)}\n`),
    log,
  });
  const followup = wiring.find((w) => w.queue === 'FollowupQueue');
  const followupQueueUrl = followup ? sqs.queueUrl(followup.queue) : undefined;
  const env: Record<string, string> = {
    SQS_ENDPOINT_URL: sqs.url,
    ...(followupQueueUrl ? { FOLLOWUP_QUEUE_URL: followupQueueUrl } : {}),
    ...(o.verifyDelayScale !== undefined ? { REMEDY_VERIFY_DELAY_SCALE: String(o.verifyDelayScale) } : {}),
  };
  return {
    sqs,
    wiring,
    env,
    localJson: { endpoint: sqs.url, followupQueueUrl, deadLetters: deadLetterFile },
    async subscribe() {
      await subscribeQueues(sqs, wiring, { root: o.root });
      if (wiring.length > 0)
        log(`SQS endpoint ${sqs.url}: ${wiring.map((w) => `${w.functionName} ← ${w.queue}`).join(', ')}`);
    },
    close: () => sqs.close(),
  };
};
