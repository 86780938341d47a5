// A proxy in front of DynamoDB Local that sees every call on the wire, by operation (its X-Amz-Target), and may
// answer one itself instead of forwarding it: the bench counts calls with it, tests inject the faults DynamoDB
// Local cannot produce (throttling) with it. Whoever sends the call (remedy's client, a child process) is unaware.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the proxy gives instead of DynamoDB Local (status, JSON body as DynamoDB shapes its errors). */
export interface ProxyAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface DynamoDbProxy {
  /** `http://127.0.0.1:<port>`: give this as the DynamoDB endpoint. */
  url: string;
  close(): Promise<void>;
}

/** `see(operation, body)` is called for every call; an answer it returns is sent back without forwarding. */
export const startDynamoDbProxy = async (
  target: string,
  see: (operation: string, body: string) => ProxyAnswer | undefined,
): Promise<DynamoDbProxy> => {
  const to = new URL(target);
  const server: Server = createServer(async (req, res) => {
    const op =
      String(req.headers['x-amz-target'] ?? '?')
        .split('.')
        .at(-1) ?? '?';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const answer = see(op, body.toString('utf8'));
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    upstream.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
