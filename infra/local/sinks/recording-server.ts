// A small HTTP server that answers like a real API, keeps every request it received, serves them back as JSON
// (`GET /_local/requests`), and can be told to fail (`POST /_local/faults`): the base of the local Slack,
// Jira and Grafana.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  at: string;
  status: number;
  /** What the server answered with that identifies the result: a Slack `ts`, a Jira key, an annotation id. */
  answer?: string;
}

/** A failure to inject: the next `times` requests whose path contains `path` get this status (and Retry-After). */
export interface Fault {
  path?: string;
  status: number;
  retryAfterSeconds?: number;
  body?: unknown;
  times?: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  answer?: string;
}

export type Handler = (req: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The body as received, for a signature check; the request line's path and query are `url`. */
  raw: { url: string; text: string };
}) => Reply | Promise<Reply>;

export interface RecordingServer {
  url: string;
  requests: Recorded[];
  fault(f: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<{ text: string; body: unknown }> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return { text, body: undefined };
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded'))
    return { text, body: Object.fromEntries(new URLSearchParams(text)) };
  try {
    return { text, body: JSON.parse(text) as unknown };
  } catch {
    return { text, body: text };
  }
};

/** Starts on 127.0.0.1 (`port` 0: any free port). `redact` hides what must not be kept (secret values). */
export const startRecordingServer = async (options: {
  port?: number;
  handle: Handler;
  redact?: (r: Recorded) => Recorded;
}): Promise<RecordingServer> => {
  const requests: Recorded[] = [];
  let faults: Array<Fault & { left: number }> = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (reply: Reply) => {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    };
    try {
      const { text, body } = await readBody(req);
      const method = req.method ?? 'GET';
      if (url.pathname === '/_local/requests') {
        if (method === 'DELETE') requests.length = 0;
        return send({ status: 200, body: requests });
      }
      if (url.pathname === '/_local/faults') {
        if (method === 'DELETE') faults = [];
        else faults.push({ ...(body as Fault), left: (body as Fault).times ?? Number.POSITIVE_INFINITY });
        return send({ status: 200, body: faults });
      }
      const fault = faults.find((f) => f.left > 0 && (!f.path || url.pathname.includes(f.path)));
      let reply: Reply;
      if (fault) {
        fault.left--;
        reply = {
          status: fault.status,
          body: fault.body ?? { error: `injected HTTP ${fault.status}` },
          ...(fault.retryAfterSeconds !== undefined
            ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } }
            : {}),
        };
      } else {
        reply = await options.handle({
          method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          raw: { url: req.url ?? '/', text },
        });
      }
      const entry: Recorded = {
        method,
        path: url.pathname,
        body,
        at: new Date().toISOString(),
        status: reply.status,
        ...(reply.answer ? { answer: reply.answer } : {}),
      };
      requests.push(options.redact ? options.redact(entry) : entry);
      send(reply);
    } catch (error) {
      send({ status: 500, body: { error: (error as Error).message } });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: (f) => faults.push({ ...f, left: f.times ?? Number.POSITIVE_INFINITY }),
    clearFaults: () => {
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
