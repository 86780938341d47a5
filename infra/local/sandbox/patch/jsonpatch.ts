// RFC 6902 JSON Patch, strict like the evanphx/json-patch library the apiserver uses.
import { isObject, jsonEqual } from '../util.js';

/** A patch that cannot be applied; the server answers 422 (or 400 when it cannot even be decoded). */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly decode = false,
  ) {
    super(message);
  }
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** Splits a JSON pointer (`/metadata/labels/app~1name`) into unescaped tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function arrayIndex(arr: unknown[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw new PatchError(`invalid array index ${JSON.stringify(token)} in ${path}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) {
    throw new PatchError(`array index ${i} out of bounds in ${path}`);
  }
  return i;
}

// Walks to the parent of the pointer's last token; every step must exist.
function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw new PatchError(`doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] as string };
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else if (Object.hasOwn(parent, key)) delete parent[key];
  else throw new PatchError(`unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

function replace(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, path)] = value;
  else if (Object.hasOwn(parent, key)) parent[key] = value;
  else throw new PatchError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  return doc;
}

/** Decodes a JSON Patch body, checking each operation's shape (400 when malformed). */
export function decodeJsonPatch(body: unknown): JsonPatchOp[] {
  if (!Array.isArray(body))
    throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', true);
  return body.map((op) => {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new PatchError(`invalid JSON patch operation: ${JSON.stringify(op)}`, true);
    }
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) {
      throw new PatchError(`Unexpected kind: ${op.op}`);
    }
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw new PatchError(`${op.op} operation missing "from"`);
    }
    if (['add', 'replace', 'test'].includes(op.op) && !Object.hasOwn(op, 'value')) {
      throw new PatchError(`${op.op} operation missing "value"`);
    }
    return op as unknown as JsonPatchOp;
  });
}

/** Applies a JSON Patch to a copy of `doc`; all-or-nothing, throws PatchError. */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOp[]): unknown {
  let out: unknown = structuredClone(doc);
  for (const op of ops) {
    const value = structuredClone(op.value);
    switch (op.op) {
      case 'add':
        out = add(out, op.path, value);
        break;
      case 'remove':
        out = remove(out, op.path);
        break;
      case 'replace':
        out = replace(out, op.path, value);
        break;
      case 'move': {
        const moved = getAt(out, op.from as string);
        out = add(remove(out, op.from as string), op.path, moved);
        break;
      }
      case 'copy':
        out = add(out, op.path, structuredClone(getAt(out, op.from as string)));
        break;
      case 'test':
        if (!jsonEqual(getAt(out, op.path), value))
          throw new PatchError(`testing value ${op.path} failed: test failed`);
        break;
    }
  }
  return out;
}
