import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/aws/local-account.js';
import { signRequest } from '../../infra/local/aws/sigv4-canonical.js';

/**
 * Publishes to the local SNS endpoint exactly as an SDK would: the query protocol, SigV4-signed with the local
 * credentials. Returns the HTTP status and body (the endpoint validates like SNS).
 */
export const publish = async (
  endpoint: string,
  input: { topicArn: string; message: string; subject?: string; attributes?: Record<string, string> },
): Promise<{ status: number; body: string }> => {
  const params: Record<string, string> = {
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: input.topicArn,
    Message: input.message,
    ...(input.subject ? { Subject: input.subject } : {}),
  };
  Object.entries(input.attributes ?? {}).forEach(([name, value], i) => {
    params[`MessageAttributes.entry.${i + 1}.Name`] = name;
    params[`MessageAttributes.entry.${i + 1}.Value.DataType`] = 'String';
    params[`MessageAttributes.entry.${i + 1}.Value.StringValue`] = value;
  });
  const body = new URLSearchParams(params).toString();
  const url = new URL(endpoint);
  const headers = signRequest(
    {
      method: 'POST',
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
    LOCAL_CREDENTIALS,
    { region: LOCAL_REGION, service: 'sns', now: new Date() },
  );
  const res = await fetch(endpoint, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
};
