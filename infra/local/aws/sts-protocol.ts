// The wire format of STS, an AWS query-protocol service: form parameters in; XML out, or JSON when the caller
// sends `Accept: application/json` (aws-iam-authenticator does, for the presigned GetCallerIdentity).
import { randomUUID } from 'node:crypto';

/** XML namespace of every STS response. */
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** The only STS API version. */
export const STS_API_VERSION = '2011-06-15';

/** A response field: text, or nested fields (in document order). */
export type StsValue = string | StsFields;
/** Fields of a result element, in the order STS writes them. */
export interface StsFields {
  [name: string]: StsValue;
}

/** An STS error: Sender for the caller's mistakes, Receiver for the service's. */
export interface StsError {
  code: string;
  message: string;
  status: number;
  type: 'Sender' | 'Receiver';
}

/** A client-side STS error (HTTP 400 unless said otherwise). */
export function stsSenderError(code: string, message: string, status = 400): StsError {
  return { code, message, status, type: 'Sender' };
}

/** A rendered response. */
export interface StsResponse {
  status: number;
  contentType: string;
  body: string;
}

/** `<ActionResponse><ActionResult>…` (or its JSON form) for a successful call. */
export function stsSuccess(
  action: string,
  result: StsFields,
  json: boolean,
  requestId: string = randomUUID(),
): StsResponse {
  if (json) {
    const document = {
      [`${action}Response`]: {
        [`${action}Result`]: result,
        ResponseMetadata: { RequestId: requestId },
      },
    };
    return { status: 200, contentType: 'application/json', body: JSON.stringify(document) };
  }
  const body =
    `<${action}Response xmlns="${STS_XML_NAMESPACE}">\n` +
    `  <${action}Result>\n${xmlFields(result, '    ')}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return { status: 200, contentType: 'text/xml', body };
}

/** STS's `<ErrorResponse>` (or its JSON form). */
export function stsFailure(error: StsError, json: boolean, requestId: string = randomUUID()): StsResponse {
  if (json) {
    const document = {
      Error: { Code: error.code, Message: error.message, Type: error.type },
      RequestId: requestId,
    };
    return { status: error.status, contentType: 'application/json', body: JSON.stringify(document) };
  }
  const body =
    `<ErrorResponse xmlns="${STS_XML_NAMESPACE}">\n` +
    `  <Error>\n    <Type>${error.type}</Type>\n    <Code>${xmlEscape(error.code)}</Code>\n` +
    `    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `</ErrorResponse>\n`;
  return { status: error.status, contentType: 'text/xml', body };
}

/** Whether the caller asked for JSON (STS honours `Accept: application/json`). */
export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /\bapplication\/json\b/i.test(accept);
}

/** Parameters of a query-protocol request: the URL's query, then the form body (which wins). */
export function formParameters(url: string, body: string): Map<string, string> {
  const params = new Map<string, string>();
  const at = url.indexOf('?');
  // SigV4 clients encode "+" as %2B; a literal "+" in a presigned URL is therefore data, never a space.
  const read = (text: string) => new URLSearchParams(text.replace(/\+/g, '%2B'));
  if (at >= 0) for (const [name, value] of read(url.slice(at + 1))) params.set(name, value);
  for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  return params;
}

function xmlFields(fields: StsFields, indent: string): string {
  return Object.entries(fields)
    .map(([name, value]) =>
      typeof value === 'string'
        ? `${indent}<${name}>${xmlEscape(value)}</${name}>\n`
        : `${indent}<${name}>\n${xmlFields(value, `${indent}  `)}${indent}</${name}>\n`,
    )
    .join('');
}

/** Escapes text for XML element content. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}
