// Small pieces every local server (SNS, EKS/STS) shares.
import type { IncomingMessage, Server } from 'node:http';

/** Reads a request body, or undefined once it grows past `maxBytes` (the caller answers 413). */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Stops a server now, keep-alive connections included, so a test or Ctrl-C never waits on an idle socket. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
