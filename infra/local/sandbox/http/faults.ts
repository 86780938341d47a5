// Fault injection for tests of API clients: the next matching requests get an error status, a delay, or a
// reset connection instead of (or before) normal handling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusObject } from '../errors.js';

/** What to do with matching requests; the first armed fault that matches a request takes it. */
export interface FaultSpec {
  /** HTTP method to match (case-insensitive); any method when omitted. */
  method?: string;
  /** Tested against the request path including its query string, e.g. `/api/v1/namespaces/demo/pods?limit=5`. */
  pathPattern: RegExp;
  /**
   * The HTTP status to answer with (e.g. 429, 500, 503); `'reset'` destroys the connection without an
   * answer; `'pass'` lets the request through to normal handling after `delayMs` (a slow server: the
   * write still happens even if the client gave up waiting).
   */
  status: number | 'reset' | 'pass';
  /** How many matching requests this fault takes; default 1, `Infinity` for every one. */
  times?: number;
  /** Sets the Retry-After header and the Status' details.retryAfterSeconds. */
  retryAfterSeconds?: number;
  /** Waits this long before answering, resetting or passing (longer than a client timeout to test one). */
  delayMs?: number;
  /** Response body; default a meta/v1 Status for the code. A string is sent as text/plain. */
  body?: unknown;
}

/** An armed fault, as returned by `add`. */
export interface Fault {
  readonly spec: Readonly<FaultSpec>;
  /** Requests it has taken so far. */
  readonly hits: number;
  /** Requests it will still take (0 once spent; spent faults are dropped). */
  readonly remaining: number;
  /** Disarms it. */
  remove(): void;
}

/** `sandbox.faults`: arm faults for the next matching requests. */
export interface SandboxFaults {
  add(spec: FaultSpec): Fault;
  /** Disarms every fault. */
  clear(): void;
  /** The faults still armed, in the order they were added. */
  readonly active: readonly Fault[];
}

// The reasons and messages the apiserver (or its filters) use for these codes.
const REASONS: Record<number, [string, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'forbidden: injected by the sandbox'],
  404: ['NotFound', 'the server could not find the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the resource version is too old'],
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: ['InternalError', 'Internal error occurred: injected by the sandbox'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: [
    'Timeout',
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  ],
};

class ArmedFault implements Fault {
  hits = 0;
  remaining: number;
  constructor(
    readonly spec: Readonly<FaultSpec>,
    readonly remove: () => void,
  ) {
    this.remaining = spec.times ?? 1;
  }
}

/** The server-side half of SandboxFaults: matching, delays, and writing the injected answer. */
export class FaultInjector implements SandboxFaults {
  #faults: ArmedFault[] = [];
  readonly #sleepers = new Set<() => void>();

  get active(): readonly Fault[] {
    return [...this.#faults];
  }

  add(spec: FaultSpec): Fault {
    if (!(spec.pathPattern instanceof RegExp))
      throw new TypeError('sandbox fault: pathPattern must be a RegExp');
    const fault: ArmedFault = new ArmedFault({ ...spec }, () => {
      this.#faults = this.#faults.filter((f) => f !== fault);
    });
    if (fault.remaining > 0) this.#faults.push(fault);
    return fault;
  }

  clear(): void {
    this.#faults = [];
  }

  /** Takes the first armed fault matching this request (counting it), or undefined. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) =>
        (f.spec.method === undefined || f.spec.method.toUpperCase() === method.toUpperCase()) &&
        matches(f.spec.pathPattern, path),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    fault.remaining -= 1;
    if (fault.remaining <= 0) fault.remove();
    return fault;
  }

  /** Acts out a fault; resolves true when the request was answered (or reset), false to handle it normally. */
  async apply(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { status, delayMs, retryAfterSeconds, body } = fault.spec;
    if (delayMs && delayMs > 0 && !(await this.#sleep(delayMs))) return true;
    if (status === 'pass') return false;
    if (status === 'reset') {
      req.socket.destroy();
      return true;
    }
    if (res.destroyed || req.socket.destroyed) return true;
    const [reason, message] = REASONS[status] ?? ['', `injected status ${status}`];
    const payload =
      body !== undefined
        ? body
        : status >= 200 && status < 300
          ? statusObject('Success', status, '', '')
          : statusObject(
              'Failure',
              status,
              reason,
              message,
              retryAfterSeconds ? { retryAfterSeconds } : undefined,
            );
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, {
      'Content-Type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
    });
    res.end(text);
    return true;
  }

  /** Ends pending delays (server shutdown) so no timer keeps the process alive. */
  cancelDelays(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  // Resolves true after `ms`, or false when cancelled by cancelDelays().
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.#sleepers.add(wake);
    });
  }
}

// A /g or /y pattern keeps lastIndex between test() calls, which would make matching flaky.
function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(path);
}
