// JavaScript values ⇄ DynamoDB attribute values, as the AWS SDK's document client converts them with
// `removeUndefinedValues` and `convertClassInstanceToMap` (what remedy always used): strings S, numbers N,
// booleans BOOL, null NULL, arrays L, objects (plain or class instances) M, Set<string> SS, Set<number> NS,
// bytes B. Pure.

/** One attribute value in DynamoDB's wire form. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { B: string }
  | { BS: string[] };

/** What a document holds; `any` as in the SDK's document client, so item fields read without casts. */
// biome-ignore lint/suspicious/noExplicitAny: items are schemaless documents, validated where they are read
export type NativeValue = any;
export type Document = Record<string, NativeValue>;

/** A value DynamoDB cannot store (NaN, an empty set, a function): named with its path, never dropped silently. */
export class MarshallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarshallError';
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

const numberString = (n: number | bigint, path: string): string => {
  if (typeof n === 'number' && !Number.isFinite(n))
    throw new MarshallError(`${path}: ${n} is not a number DynamoDB can store`);
  return String(n);
};

/** One value; `undefined` only where the caller drops it. */
export const marshallValue = (value: unknown, path = 'value'): AttributeValue => {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
    case 'bigint':
      return { N: numberString(value, path) };
    case 'boolean':
      return { BOOL: value };
    case 'object': {
      if (value === null) return { NULL: true };
      if (Array.isArray(value))
        return {
          L: value.flatMap((v, i) => (v === undefined ? [] : [marshallValue(v, `${path}[${i}]`)])),
        };
      if (isBytes(value)) return { B: Buffer.from(value).toString('base64') };
      if (value instanceof Set) return marshallSet(value, path);
      return { M: marshallDocument(value as Record<string, unknown>, path) };
    }
    default:
      throw new MarshallError(`${path}: a ${typeof value} cannot be stored in DynamoDB`);
  }
};

const marshallSet = (set: Set<unknown>, path: string): AttributeValue => {
  const values = [...set];
  if (values.length === 0) throw new MarshallError(`${path}: DynamoDB cannot store an empty set`);
  if (values.every((v) => typeof v === 'string')) return { SS: values as string[] };
  if (values.every((v) => typeof v === 'number' || typeof v === 'bigint'))
    return { NS: values.map((v) => numberString(v as number, path)) };
  if (values.every(isBytes)) return { BS: values.map((v) => Buffer.from(v).toString('base64')) };
  throw new MarshallError(`${path}: a set must hold only strings, only numbers or only bytes`);
};

/** An item, key or expression-values map; `undefined` fields are left out. */
export const marshallDocument = (
  doc: Record<string, unknown>,
  path = 'item',
): Record<string, AttributeValue> => {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    out[key] = marshallValue(value, `${path}.${key}`);
  }
  return out;
};

/** One attribute value back to JavaScript; numbers become `number`, as the SDK's default does. */
export const unmarshallValue = (av: AttributeValue): NativeValue => {
  if ('S' in av) return av.S;
  if ('N' in av) return Number(av.N);
  if ('BOOL' in av) return av.BOOL;
  if ('NULL' in av) return null;
  if ('L' in av) return av.L.map(unmarshallValue);
  if ('M' in av) return unmarshallDocument(av.M);
  if ('SS' in av) return new Set(av.SS);
  if ('NS' in av) return new Set(av.NS.map(Number));
  if ('B' in av) return new Uint8Array(Buffer.from(av.B, 'base64'));
  if ('BS' in av) return new Set(av.BS.map((b) => new Uint8Array(Buffer.from(b, 'base64'))));
  throw new MarshallError(`unknown attribute value type ${Object.keys(av).join(', ') || '(none)'}`);
};

export const unmarshallDocument = (item: Record<string, AttributeValue>): Document => {
  const out: Document = {};
  for (const [key, value] of Object.entries(item)) out[key] = unmarshallValue(value);
  return out;
};
