import { BoundedHttp, type HttpDeps, type RetryPolicy, SinkError } from '#adapters/notify/bounded-http.js';
import type { Tickets } from '#domain/notify/ports.js';

/** Jira answers in well under a second; two tries and a few seconds keep it inside the invocation. */
export const JIRA_RETRY_POLICY: RetryPolicy = {
  retries: 1,
  timeoutMs: 5_000,
  maxRetryAfterMs: 5_000,
  backoffMs: [1_000],
  cooldownMs: 60_000,
};

/** Jira Cloud REST v3: issues (description in ADF), comments, transitions; basic auth with an API token. */
export class JiraCloud implements Tickets {
  private readonly http: BoundedHttp;
  constructor(
    private readonly options: {
      baseUrl: string;
      email: string;
      apiToken: () => Promise<string>;
      policy?: RetryPolicy;
      deps?: HttpDeps;
    },
  ) {
    this.http = new BoundedHttp('jira', options.policy ?? JIRA_RETRY_POLICY, options.deps);
  }

  async create(t: {
    project: string;
    issueType: string;
    summary: string;
    labels: string[];
    description: unknown;
  }) {
    const fields = {
      project: { key: t.project },
      issuetype: { name: t.issueType },
      summary: t.summary,
      labels: t.labels,
      description: t.description,
    };
    // Not idempotent: a timed-out create may have happened, so only a 429 (not processed) is retried.
    const body = await this.call('POST', '/rest/api/3/issue', { fields }, 201, false);
    const key = (body as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') throw new SinkError('jira POST /rest/api/3/issue: answer has no key');
    return { key, url: new URL(`/browse/${key}`, this.options.baseUrl).href };
  }

  async comment(key: string, body: unknown): Promise<void> {
    await this.call('POST', `/rest/api/3/issue/${encodeURIComponent(key)}/comment`, { body }, 201, false);
  }

  async transition(key: string, name: string): Promise<boolean> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`;
    const list = (await this.call('GET', path, undefined, 200)) as {
      transitions?: Array<{ id: string; name: string }>;
    };
    const wanted = list.transitions?.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!wanted) return false;
    await this.call('POST', path, { transition: { id: wanted.id } }, 204);
    return true;
  }

  private async call(method: string, path: string, json: unknown, expected: number, idempotent = true) {
    const auth = Buffer.from(`${this.options.email}:${await this.options.apiToken()}`).toString('base64');
    const res = await this.http.send(
      `${method} ${path}`,
      new URL(path, this.options.baseUrl).href,
      {
        method,
        headers: {
          authorization: `Basic ${auth}`,
          accept: 'application/json',
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      },
      idempotent,
    );
    if (res.status !== expected)
      throw new SinkError(
        `jira ${method} ${path}: HTTP ${res.status} ${jiraErrors(res.body)}`.trim(),
        res.status,
      );
    return res.body;
  }
}

/** Jira's error body: `{errorMessages: [...], errors: {field: message}}`. */
const jiraErrors = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return '';
  const b = body as { errorMessages?: unknown; errors?: unknown };
  const messages = Array.isArray(b.errorMessages) ? b.errorMessages.map(String) : [];
  const fields =
    typeof b.errors === 'object' && b.errors !== null
      ? Object.entries(b.errors).map(([k, v]) => `${k}: ${String(v)}`)
      : [];
  return [...messages, ...fields].join('; ').slice(0, 300);
};
