import { AlertParseError, ErrorCode, formatIssues } from '../errors.js';
import { findDuplicateKey } from './duplicate-keys.js';
import { type Notification, notificationSchema } from './schema.js';

/** Message attributes as the Lambda SNS record carries them. */
export type SnsMessageAttributes = Record<string, { Type: string; Value: string }>;

export type ParseResult = { ok: true; notification: Notification } | { ok: false; error: AlertParseError };

/**
 * Turns an SNS message into a validated Alertmanager notification, or says precisely why not.
 * A truncated message (Alertmanager's `truncated=true`, or AMP's `modified`) is refused even when it still
 * parses: acting on part of a group is acting on a guess.
 */
export const parseNotification = (message: string, attributes: SnsMessageAttributes = {}): ParseResult => {
  if (attributes.truncated?.Value === 'true') {
    return fail(
      ErrorCode.TruncatedMessage,
      `message was truncated by Alertmanager (attribute truncated=true, ${byteLength(message)} bytes): refusing to act on a partial notification`,
    );
  }
  if (attributes.modified !== undefined) {
    return fail(
      ErrorCode.TruncatedMessage,
      `message was modified in transit (attribute modified="${attributes.modified.Value}"): refusing to act on it`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch (cause) {
    const hint = message.trimStart().startsWith('{')
      ? 'invalid JSON (cut off or badly escaped?)'
      : 'not JSON: is Alertmanager using the remedy.sns.message template? (its default SNS message is text)';
    return fail(ErrorCode.MalformedMessage, `Message: ${hint}: ${(cause as Error).message}`, cause);
  }
  const duplicate = findDuplicateKey(message);
  if (duplicate !== undefined) {
    return fail(
      ErrorCode.MalformedMessage,
      `Message.${duplicate}: duplicate key (JSON keeps only the last value; refusing to guess which was meant)`,
    );
  }
  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success) {
    return fail(ErrorCode.MalformedMessage, formatIssues(parsed.error.issues, 'Message'), parsed.error);
  }
  return { ok: true, notification: parsed.data };
};

const fail = (
  code: typeof ErrorCode.MalformedMessage | typeof ErrorCode.TruncatedMessage,
  message: string,
  cause?: unknown,
): ParseResult => ({
  ok: false,
  error: new AlertParseError(code, message, cause === undefined ? undefined : { cause }),
});

const byteLength = (s: string): number => new TextEncoder().encode(s).length;
