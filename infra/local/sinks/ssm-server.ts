// A local SSM Parameter Store (AWS JSON 1.1 protocol: `X-Amz-Target: AmazonSSM.GetParameter(s)`), so the
// functions read their Slack/Jira/Grafana tokens exactly as deployed. Requests are SigV4-checked (signing name
// `ssm`, the store's region) against the local credentials, as SSM checks them. It records which names were
// asked for, never the values it answered with.
import { jsonAuthErrorCode } from '../aws/eks-api.js';
import { type AwsCredentials, LOCAL_CREDENTIALS } from '../aws/local-account.js';
import { verifySigV4 } from '../aws/sigv4.js';
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
  /** The credentials it accepts; default the local ones. */
  credentials?: readonly AwsCredentials[];
}): Promise<LocalSsm> => {
  const parameters = new Map(Object.entries(options.parameters));
  const credentials = options.credentials ?? [LOCAL_CREDENTIALS];
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
    handle: ({ method, headers, body, raw }) => {
      if (method !== 'POST') return json(405, { __type: 'UnknownOperationException' });
      const auth = verifySigV4(
        { method, url: raw.url, headers, body: raw.text },
        {
          service: 'ssm',
          region: options.region,
          lookup: (id) => credentials.find((c) => c.accessKeyId === id),
        },
      );
      if (!auth.ok) return json(auth.status, { __type: jsonAuthErrorCode(auth.code), message: auth.message });
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
