// The AWS query protocol as SNS speaks it: form-encoded parameters in (Alertmanager's aws-sdk-go, the AWS CLI
// and @aws-sdk/client-sns all use it for SNS), XML out, errors as <ErrorResponse>.
import { randomUUID } from 'node:crypto';

/** XML namespace of every SNS response. */
export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** One `MessageAttributes.entry.N` of a Publish call. */
export interface PublishAttribute {
  name: string;
  dataType: string | undefined;
  stringValue: string | undefined;
  binaryValue: string | undefined;
}

/** An SNS error response: `Type` is Sender for the caller's mistakes, Receiver for ours. */
export interface SnsError {
  code: string;
  message: string;
  status: number;
  type: 'Sender' | 'Receiver';
}

/** Parameters of a query-protocol request: the form body, plus any in the URL's query string. */
export function queryParameters(url: string, body: string): Map<string, string> {
  const params = new Map<string, string>();
  const at = url.indexOf('?');
  if (at >= 0) for (const [name, value] of new URLSearchParams(url.slice(at + 1))) params.set(name, value);
  for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  return params;
}

/** The `MessageAttributes.entry.N.*` parameters, in entry order. */
export function publishAttributes(params: ReadonlyMap<string, string>): PublishAttribute[] {
  const PREFIX =
    /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.DataType|Value\.StringValue|Value\.BinaryValue)$/;
  const entries = new Map<number, PublishAttribute>();
  for (const [key, value] of params) {
    const m = PREFIX.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const entry = entries.get(index) ?? {
      name: '',
      dataType: undefined,
      stringValue: undefined,
      binaryValue: undefined,
    };
    if (m[2] === 'Name') entry.name = value;
    else if (m[2] === 'Value.DataType') entry.dataType = value;
    else if (m[2] === 'Value.StringValue') entry.stringValue = value;
    else entry.binaryValue = value;
    entries.set(index, entry);
  }
  return [...entries.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

/** Escapes text for XML element content (quotes need no escaping there; AWS leaves them as they are). */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

/** `<XResponse><XResult>…</XResult><ResponseMetadata><RequestId>…` for a successful action. */
export function successXml(action: string, resultXml: string, requestId: string = randomUUID()): string {
  return (
    `<${action}Response xmlns="${SNS_XML_NAMESPACE}">` +
    `<${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

/** The `<ErrorResponse>` document SNS answers errors with. */
export function errorXml(error: SnsError, requestId: string = randomUUID()): string {
  return (
    `<ErrorResponse xmlns="${SNS_XML_NAMESPACE}">` +
    `<Error><Type>${error.type}</Type><Code>${xmlEscape(error.code)}</Code>` +
    `<Message>${xmlEscape(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId>` +
    `</ErrorResponse>\n`
  );
}

/** A client error (HTTP 400 unless said otherwise). */
export function senderError(code: string, message: string, status = 400): SnsError {
  return { code, message, status, type: 'Sender' };
}
