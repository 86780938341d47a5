// A local Jira Cloud REST v3: issues (ADF descriptions checked), comments, transitions; the removed
// `/rest/api/3/search` answers 410 as Jira Cloud does. Errors come in Jira's `{errorMessages, errors}` shape.
import { type RecordingServer, type Reply, startRecordingServer } from './recording-server.js';

export interface LocalIssue {
  id: string;
  key: string;
  fields: { project: string; issuetype: string; summary: string; labels: string[]; description: unknown };
  status: string;
  comments: unknown[];
}

export interface LocalJira extends RecordingServer {
  issues: Map<string, LocalIssue>;
}

/** The workflow every local project has. */
const TRANSITIONS = [
  { id: '11', name: 'To Do' },
  { id: '21', name: 'In Progress' },
  { id: '31', name: 'Done' },
];

const errors = (
  status: number,
  errorMessages: string[],
  fieldErrors: Record<string, string> = {},
): Reply => ({
  status,
  body: { errorMessages, errors: fieldErrors },
});

const isAdf = (doc: unknown): boolean => {
  const d = doc as { type?: unknown; version?: unknown; content?: unknown } | undefined;
  return d?.type === 'doc' && d.version === 1 && Array.isArray(d.content);
};

/** Starts the local Jira; it accepts basic auth `email:apiToken` with the given pair only. */
export const startLocalJira = async (options: {
  port?: number;
  email: string;
  apiToken: string;
}): Promise<LocalJira> => {
  const issues = new Map<string, LocalIssue>();
  const counters = new Map<string, number>();
  const expected = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const server = await startRecordingServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    handle: ({ method, path, headers, body }) => {
      if (headers.authorization !== expected)
        return errors(401, ['Client must be authenticated to access this resource.']);
      if (path === '/rest/api/3/search' || path === '/rest/api/2/search')
        return errors(410, [
          'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
        ]);
      if (method === 'POST' && path === '/rest/api/3/issue') return create(body);
      const m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)(\/comment|\/transitions)?$/.exec(path);
      const issue = m?.[1] ? issues.get(m[1]) : undefined;
      if (!m) return errors(404, [`No route for ${method} ${path}`]);
      if (!issue) return errors(404, ['Issue does not exist or you do not have permission to see it.']);
      if (!m[2] && method === 'GET') return { status: 200, body: issue };
      if (m[2] === '/comment' && method === 'POST') {
        const b = (body as { body?: unknown } | undefined)?.body;
        if (!isAdf(b)) return errors(400, [], { comment: 'Comment body is not valid!' });
        issue.comments.push(b);
        return { status: 201, body: { id: String(issue.comments.length) }, answer: issue.key };
      }
      if (m[2] === '/transitions' && method === 'GET')
        return { status: 200, body: { transitions: TRANSITIONS } };
      if (m[2] === '/transitions' && method === 'POST') {
        const id = (body as { transition?: { id?: string } } | undefined)?.transition?.id;
        const t = TRANSITIONS.find((x) => x.id === id);
        if (!t) return errors(400, ['Transition id is not valid for this issue.']);
        issue.status = t.name;
        return { status: 204, answer: issue.key };
      }
      return errors(405, [`${method} is not allowed here`]);
    },
  });

  const create = (body: unknown): Reply => {
    const f = (body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
    const project = (f.project as { key?: string } | undefined)?.key;
    const issuetype = (f.issuetype as { name?: string } | undefined)?.name;
    const problems: Record<string, string> = {};
    if (!project) problems.project = 'Specify a valid project ID or key';
    if (!issuetype) problems.issuetype = 'Specify an issue type';
    if (typeof f.summary !== 'string' || f.summary === '')
      problems.summary = 'You must specify a summary of the issue.';
    else if (f.summary.length > 255 || /[\r\n]/.test(f.summary))
      problems.summary = 'Summary must be less than 255 characters and a single line.';
    if (f.description !== undefined && !isAdf(f.description))
      problems.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format).';
    const labels = Array.isArray(f.labels) ? (f.labels as string[]) : [];
    if (labels.some((l) => /\s/.test(l))) problems.labels = 'The label cannot contain spaces.';
    if (Object.keys(problems).length > 0 || !project || !issuetype) return errors(400, [], problems);
    const n = (counters.get(project) ?? 0) + 1;
    counters.set(project, n);
    const key = `${project}-${n}`;
    const id = String(10_000 + issues.size + 1);
    issues.set(key, {
      id,
      key,
      fields: { project, issuetype, summary: String(f.summary), labels, description: f.description },
      status: 'To Do',
      comments: [],
    });
    return { status: 201, body: { id, key, self: `${server.url}/rest/api/3/issue/${id}` }, answer: key };
  };
  return { ...server, issues };
};
