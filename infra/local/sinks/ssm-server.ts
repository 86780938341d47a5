// A local SSM Parameter Store (AWS JSON 1.1 protocol: `X-Amz-Target: AmazonSSM.GetParameter(s)`), so the
// functions read their Slack/Jira/Grafana tokens exactly as deployed. It records which names were asked for,
// never the values it answered with.
import { type RecordingServer, type Reply, startRecordingServer } from './recording-server.js';

export interface LocalSsm extends RecordingServer {
  parameters: Map<string, string>;
}

const json = (status: number, body: unknown): Reply => ({
  status,
  body,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
});

export const startLocalSsm = async (options: {
  port?: number;
  region: string;
  accountId: string;
  parameters: Record<string, string>;
}): Promise<LocalSsm> => {
  const parameters = new Map(Object.entries(options.parameters));
  const describe = (name: string) => ({
    Name: name,
    Type: 'SecureString',
    Value: parameters.get(name),
    Version: 1,
    LastModifiedDate: Math.floor(Date.now() / 1000),
    ARN: `arn:aws:ssm:${options.region}:${options.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
    DataType: 'text',
  });
  const server = await startRecordingServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    handle: ({ method, headers, body }) => {
      if (method !== 'POST') return json(405, { __type: 'UnknownOperationException' });
      if (!String(headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
        return json(400, {
          __type: 'MissingAuthenticationTokenException',
          message: 'Missing Authentication Token',
        });
      const target = String(headers['x-amz-target'] ?? '');
      const b = (body ?? {}) as { Name?: string; Names?: string[] };
      if (target === 'AmazonSSM.GetParameters') {
        const names = b.Names ?? [];
        return json(200, {
          Parameters: names.filter((n) => parameters.has(n)).map(describe),
          InvalidParameters: names.filter((n) => !parameters.has(n)),
        });
      }
      if (target === 'AmazonSSM.GetParameter') {
        if (!b.Name || !parameters.has(b.Name))
          return json(400, { __type: 'ParameterNotFound', message: '' });
        return json(200, { Parameter: describe(b.Name) });
      }
      return json(400, { __type: 'UnknownOperationException', message: `${target} is not served locally` });
    },
  });
  return { ...server, parameters };
};
