// Small helpers shared by the sandbox modules.
import { randomInt } from 'node:crypto';

/** Deep copy of a JSON-compatible value (objects leave the store only as copies). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Structural equality of JSON values, ignoring key order: `canonicalJson(a) === canonicalJson(b)`, compared
 * in place instead of building both strings (keys whose value is undefined do not count, leaves compare as
 * their JSON).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    let defined = 0;
    for (const k of Object.keys(a)) {
      if (a[k] === undefined) continue;
      defined++;
      if (!Object.hasOwn(b, k) || b[k] === undefined || !jsonEqual(a[k], b[k])) return false;
    }
    for (const k of Object.keys(b)) if (b[k] !== undefined) defined--;
    return defined === 0;
  }
  if (Array.isArray(b) || isObject(b)) return false;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Drops nulls, empty maps and empty lists recursively. The apiserver compares Go structs, where a
 * missing map, an empty map and `creationTimestamp: null` are all the same zero value.
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pruned = pruneEmpty(v);
      if (pruned !== undefined && pruned !== null) out[k] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

// The alphabet of Kubernetes' rand.String / SafeEncodeString: no vowels, no look-alike characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** A random suffix like the apiserver's generateName (`web-7d9c6b5f4-` + `x2k9p`). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return out;
}

/** rand.SafeEncodeString: maps each character to the safe alphabet (used for pod-template-hash). */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** 32-bit FNV-1a, the hash the deployment controller uses for pod-template-hash. */
export function fnv32a(s: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(s, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** RFC 3339 timestamp without milliseconds, as Kubernetes serialises metav1.Time. */
export function timestamp(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
