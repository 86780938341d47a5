// A Lambda Function URL on 127.0.0.1: each HTTP request becomes the payload 2.0 event, the handler runs with a
// Lambda context, and its result becomes the HTTP response, as the deployed URL does (auth type NONE: the
// function checks its own credentials). Used by `npm start` for the ingest function, and by its tests.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from '../http-util.js';
import type { LambdaHandler } from '../lambda/invoke-async.js';
import { type FunctionIdentity, lambdaContext } from '../lambda/lambda-context.js';
import { functionUrlEvent, functionUrlResponse, MAX_REQUEST_BYTES } from './function-url-event.js';

export interface FunctionUrlServerOptions {
  handler: LambdaHandler;
  identity: FunctionIdentity;
  /** Default 0: a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface FunctionUrlServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<FunctionUrlServer> {
  const log = options.log ?? (() => {});
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, MAX_REQUEST_BYTES);
      if (body === undefined) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
          }),
        );
        return;
      }
      const event = functionUrlEvent({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        domainName: req.headers.host ?? `127.0.0.1:${port}`,
      });
      const context = lambdaContext(
        options.identity,
        event.requestContext.requestId ?? randomUUID(),
        Date.now(),
      );
      let answer: ReturnType<typeof functionUrlResponse>;
      try {
        answer = functionUrlResponse(await options.handler(event, context));
      } catch (error) {
        // The URL hides the function's error from the caller, as Lambda does.
        log(`${options.identity.functionName} failed: ${(error as Error).message}`);
        answer = {
          status: 502,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify({ Message: 'Internal Server Error' })),
        };
      }
      res.writeHead(answer.status, { ...answer.headers, 'x-amzn-requestid': event.requestContext.requestId });
      res.end(answer.body);
    })().catch((error: Error) => {
      log(`function URL: ${error.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, port, close: () => closeServer(server) };
}
