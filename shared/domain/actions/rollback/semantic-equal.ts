/**
 * Equality of two JSON documents the way the API server would see them once decoded into Go structs, which
 * is what kubectl compares (`apiequality.Semantic.DeepEqual`):
 * - an absent field, `null`, `{}` and `[]` are all the same: Go decodes each to a nil or empty map, slice or
 *   zero struct, and semantic equality treats nil and empty as equal;
 * - key order never matters;
 * - scalars compare exactly, `0`, `false` and `""` included, because many pod fields are pointers in Go where
 *   "set to zero" and "unset" differ (`terminationGracePeriodSeconds: 0`, `privileged: false`).
 * Both sides come from the same API server, so zero values it always writes (such as `resources: {}`) appear
 * on both and cannot cause a false difference anyway; this rule only matters for hand-built input.
 */
export const semanticEqual = (a: unknown, b: unknown): boolean => same(normalise(a), normalise(b));

type Plain = { [key: string]: unknown };

const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for the values Go decodes to nil or to an empty map, slice or struct. */
const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.keys(v).length === 0);

/** Drops empty fields, recursively; array elements keep their place because position is meaning there. */
const normalise = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(normalise);
  if (!isPlainObject(v)) return v;
  const kept = Object.entries(v)
    .map(([key, value]) => [key, normalise(value)] as const)
    .filter(([, value]) => !isEmpty(value));
  return Object.fromEntries(kept);
};

const same = (a: unknown, b: unknown): boolean => {
  // Nested empties are gone after normalise, but top-level values and array elements can still be empty.
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]))
    );
  }
  return a === b;
};
