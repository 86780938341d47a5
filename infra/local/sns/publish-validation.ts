// Validates a Publish call the way SNS does, with SNS's error codes and messages, so what the local stack
// accepts is what AWS accepts (a too-long subject or an empty attribute fails here as it would in production).
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
import { type PublishAttribute, type SnsError, senderError } from './query-protocol.js';

/** SNS rejects subjects of 100 characters or more. */
export const MAX_SUBJECT_CHARS = 99;
/** Message plus all attribute names, types and values: 256 KiB ("262,144 bytes, not 262,144 characters"). */
export const MAX_PUBLISH_BYTES = 262_144;
/** Attribute names: at most 256 characters. */
const MAX_ATTRIBUTE_NAME_CHARS = 256;
// Printable ASCII starting with a letter, digit or punctuation mark (not a space): no line breaks or controls.
const VALID_SUBJECT = /^[!-~][ -~]*$/;
// Letters, digits, "_", "-", "."; no leading/trailing/double "."; "AWS." and "Amazon." prefixes are reserved.
const VALID_ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!(?:AWS|Amazon)\.)[A-Za-z0-9_.-]+$/i;

/** A Publish call's parameters. */
export interface PublishInput {
  topicArn: string | undefined;
  targetArn: string | undefined;
  phoneNumber: string | undefined;
  message: string | undefined;
  subject: string | undefined;
  messageStructure: string | undefined;
  attributes: PublishAttribute[];
}

/** The first reason SNS would refuse this Publish call, or undefined when it is valid. */
export function validatePublish(input: PublishInput): SnsError | undefined {
  const targets = [input.topicArn, input.targetArn, input.phoneNumber].filter((t) => t !== undefined);
  if (targets.length === 0) {
    return senderError(
      'InvalidParameter',
      'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  if (input.message === undefined) {
    return senderError(
      'ValidationError',
      "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
    );
  }
  if (input.message === '') return senderError('InvalidParameter', 'Invalid parameter: Empty message');
  if (input.subject !== undefined && !isValidSubject(input.subject)) {
    return senderError('InvalidParameter', 'Invalid parameter: Subject');
  }
  if (input.messageStructure !== undefined) {
    const structureError = validateMessageStructure(input.messageStructure, input.message);
    if (structureError) return structureError;
  }
  for (const attribute of input.attributes) {
    const attributeError = validateAttribute(attribute);
    if (attributeError) return attributeError;
  }
  if (publishSize(input.message, input.attributes) > MAX_PUBLISH_BYTES) {
    return senderError('InvalidParameter', 'Invalid parameter: Message too long');
  }
  return undefined;
}

/** Whether SNS accepts a subject: 1-99 printable ASCII characters, not starting with a space. */
export function isValidSubject(subject: string): boolean {
  return subject.length <= MAX_SUBJECT_CHARS && VALID_SUBJECT.test(subject);
}

/** Bytes SNS counts against the 256 KiB limit: message, and each attribute's name, type and value. */
export function publishSize(message: string, attributes: readonly PublishAttribute[]): number {
  let size = Buffer.byteLength(message, 'utf8');
  for (const attribute of attributes) {
    size += Buffer.byteLength(attribute.name, 'utf8') + Buffer.byteLength(attribute.dataType ?? '', 'utf8');
    size += Buffer.byteLength(attribute.stringValue ?? '', 'utf8');
    if (attribute.binaryValue !== undefined) size += Buffer.from(attribute.binaryValue, 'base64').length;
  }
  return size;
}

/** The message a Lambda subscriber receives: with MessageStructure=json, the "lambda" entry or "default". */
export function messageForLambda(input: Pick<PublishInput, 'message' | 'messageStructure'>): string {
  const message = input.message ?? '';
  if (input.messageStructure !== 'json') return message;
  const perProtocol = JSON.parse(message) as Record<string, unknown>;
  return String(perProtocol.lambda ?? perProtocol.default);
}

function validateMessageStructure(structure: string, message: string): SnsError | undefined {
  if (structure !== 'json') return senderError('InvalidParameter', 'Invalid parameter: MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return senderError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !('default' in parsed)) {
    return senderError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
  return undefined;
}

function validateAttribute(attribute: PublishAttribute): SnsError | undefined {
  const { name, dataType } = attribute;
  if (name === '')
    return senderError('InvalidParameterValue', 'The request must contain non-empty message attribute name.');
  if (name.length > MAX_ATTRIBUTE_NAME_CHARS || !VALID_ATTRIBUTE_NAME.test(name)) {
    return senderError('InvalidParameterValue', `The message attribute name '${name}' is invalid.`);
  }
  if (dataType === undefined || dataType === '') {
    return senderError(
      'InvalidParameterValue',
      `The message attribute '${name}' must contain non-empty message attribute type.`,
    );
  }
  const base = /^(String|Number|Binary)(\..+)?$/.exec(dataType)?.[1];
  if (base === undefined) {
    return senderError(
      'InvalidParameterValue',
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  const value = base === 'Binary' ? attribute.binaryValue : attribute.stringValue;
  if (value === undefined || value === '') {
    return senderError(
      'InvalidParameterValue',
      `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
    );
  }
  if (base === 'Number' && !Number.isFinite(Number(value))) {
    return senderError(
      'InvalidParameterValue',
      `Could not cast message attribute '${name}' value to number.`,
    );
  }
  if (dataType.startsWith('String.Array') && !isJsonArray(value)) {
    return senderError(
      'InvalidParameterValue',
      `The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, booleans or null.`,
    );
  }
  return undefined;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}
