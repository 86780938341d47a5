import { type AlertsMessage, parseWebhook, toAlertsMessages } from '#domain/alert/webhook.js';
import type { Logger, Metrics } from '#domain/ports.js';
import { tokenMatches } from './ingest-auth.js';

/** An HTTP request as the ingest use case needs it (from a Lambda Function URL event, or any HTTP server). */
export interface IngestRequest {
  method: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string | undefined;
  isBase64Encoded: boolean;
  /** For logs only: who called. */
  sourceIp?: string;
  userAgent?: string;
}

export interface IngestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface IngestDeps {
  /** The expected bearer token (SSM SecureString, cached while warm). */
  token: () => Promise<string>;
  /** Re-reads the token early after a mismatch (a rotation); undefined when asked again too soon. */
  refreshToken?: () => Promise<string | undefined>;
  /** Publishes one message to the alerts topic and returns its MessageId. */
  publish: (message: AlertsMessage) => Promise<string>;
  maxBodyBytes: number;
  logger: Logger;
  metrics: Metrics;
}

/** Why a request was refused: the `reason` dimension of the IngestRefused metric. */
export type RefusalReason =
  | 'method-not-allowed'
  | 'unauthenticated'
  | 'forbidden'
  | 'unsupported-media-type'
  | 'too-large'
  | 'invalid-body'
  | 'alert-too-large';

/**
 * Alertmanager webhook → the alerts topic. Checks the bearer token (constant time), the size and the payload,
 * then publishes what Alertmanager's sns_configs with remedy.tmpl would have: same body, subject and message
 * attributes, split by alerts when over SNS's limit. 4xx answers are final for Alertmanager (it drops the
 * notification), so they are kept for requests that can never succeed; anything worth retrying is a 5xx.
 */
export const ingestWebhook = async (request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> => {
  const refuse = (
    status: number,
    reason: RefusalReason,
    error: string,
    extra: Record<string, unknown> = {},
  ) => {
    deps.metrics.count('IngestRefused', { reason });
    deps.logger.warn(`ingest refused (${status} ${reason}): ${error}`, {
      status,
      reason,
      sourceIp: request.sourceIp,
      userAgent: request.userAgent,
    });
    const headers: Record<string, string> = {};
    if (status === 401) headers['www-authenticate'] = 'Bearer realm="remedy"';
    if (status === 405) headers.allow = 'POST';
    return json(status, { error, ...extra }, headers);
  };

  if (request.method.toUpperCase() !== 'POST')
    return refuse(405, 'method-not-allowed', `method ${request.method} not allowed: POST the notification`);

  const presented = bearerToken(request.headers.authorization);
  if (presented === undefined)
    return refuse(401, 'unauthenticated', 'missing or malformed Authorization header: send "Bearer <token>"');
  let expected: string;
  try {
    expected = await deps.token();
  } catch (error) {
    // Never the token, only what failed; a 503 makes Alertmanager retry.
    deps.metrics.count('IngestFailed', { reason: 'token-unavailable' });
    deps.logger.error('ingest: cannot read the bearer token parameter', { error: (error as Error).message });
    return json(503, { error: 'the endpoint cannot check tokens right now; try again' });
  }
  let accepted = tokenMatches(presented, expected);
  if (!accepted && deps.refreshToken) {
    // Just rotated? The new value is in SSM before the cache expires; read it again (rate-limited).
    try {
      const fresh = await deps.refreshToken();
      accepted = fresh !== undefined && tokenMatches(presented, fresh);
    } catch (error) {
      deps.metrics.count('IngestFailed', { reason: 'token-unavailable' });
      deps.logger.error('ingest: cannot re-read the bearer token parameter', {
        error: (error as Error).message,
      });
      return json(503, { error: 'the endpoint cannot check tokens right now; try again' });
    }
  }
  // One answer for every wrong token, however close: nothing to learn from trying.
  if (!accepted) return refuse(403, 'forbidden', 'token not accepted');

  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== '' && contentType !== 'application/json')
    return refuse(
      415,
      'unsupported-media-type',
      `content-type ${contentType} not supported: send application/json`,
    );

  const raw = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > deps.maxBodyBytes)
    return refuse(413, 'too-large', `body is ${raw.length} bytes, over the ${deps.maxBodyBytes}-byte limit`, {
      limitBytes: deps.maxBodyBytes,
      sizeBytes: raw.length,
    });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return refuse(400, 'invalid-body', 'body: not valid UTF-8');
  }
  const parsed = parseWebhook(text);
  if (!parsed.ok) return refuse(400, 'invalid-body', parsed.reason);
  const split = toAlertsMessages(parsed.payload);
  if (!split.ok) return refuse(413, 'alert-too-large', split.reason);

  const messageIds: string[] = [];
  try {
    // In order, one at a time: a split group arrives as Alertmanager sent it, and a failure stops the rest
    // (Alertmanager's retry re-sends everything; remediate's claims make the repeats harmless).
    for (const message of split.messages) messageIds.push(await deps.publish(message));
  } catch (error) {
    deps.metrics.count('IngestFailed', { reason: 'publish-failed' });
    deps.logger.error('ingest: publishing to the alerts topic failed', {
      error: (error as Error).message,
      published: messageIds.length,
      of: split.messages.length,
    });
    return json(502, {
      error: 'could not publish to the alerts topic; try again',
      published: messageIds.length,
    });
  }
  deps.metrics.count('IngestPublished', {}, split.messages.length);
  if (parsed.payload.truncatedAlerts > 0) {
    deps.metrics.count('IngestTruncated');
    deps.logger.warn('ingest: Alertmanager left alerts out (max_alerts); remediate refuses a partial group', {
      truncatedAlerts: parsed.payload.truncatedAlerts,
    });
  }
  deps.logger.info('ingest published', {
    alerts: parsed.payload.alerts.length,
    messages: split.messages.length,
    messageIds,
    groupKey: parsed.payload.groupKey,
    status: parsed.payload.status,
  });
  return json(200, { published: split.messages.length, alerts: parsed.payload.alerts.length, messageIds });
};

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
const bearerToken = (header: string | undefined): string | undefined => {
  const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
};

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): IngestResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
