/**
 * Finds the first object key that appears twice in the same JSON object, as a path like
 * `alerts[0].status`. JSON.parse silently keeps the last value, so `{"status":"resolved","status":"firing"}`
 * would otherwise turn a resolved alert into an action. Linear, iterative (no recursion, so 10,000 levels of
 * nesting cannot overflow the stack); assumes the text is otherwise valid JSON (JSON.parse checks that).
 */
export const findDuplicateKey = (text: string): string | undefined => {
  type Frame = { kind: 'object'; keys: Set<string>; key?: string } | { kind: 'array'; index: number };
  const stack: Frame[] = [];
  let i = 0;
  // The frames below the top one name the way down (each object's key was the one its child opened under);
  // the top object is where `last` repeats.
  const path = (last: string) =>
    [
      ...stack
        .slice(0, -1)
        .map((f) => (f.kind === 'array' ? `[${f.index}]` : f.key !== undefined ? `.${f.key}` : '')),
      `.${last}`,
    ]
      .join('')
      .replace(/^\./, '');
  /** The string starting at the quote at `start` ends at the returned index (its closing quote). */
  const endOfString = (start: number): number => {
    let end = start + 1;
    for (let c = text.charCodeAt(end); end < text.length && c !== QUOTE; c = text.charCodeAt(end))
      end += c === BACKSLASH ? 2 : 1;
    return end;
  };
  /** The decoded key (so `"a"` and `"\u0061"` compare equal); JSON.parse only for a key with escapes. */
  const keyAt = (start: number, end: number): string => {
    const raw = text.slice(start + 1, end);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT) {
      stack.push({ kind: 'object', keys: new Set() });
      i++;
    } else if (c === OPEN_ARRAY) {
      stack.push({ kind: 'array', index: 0 });
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      i++;
    } else if (c === COMMA) {
      const top = stack.at(-1);
      if (top?.kind === 'array') top.index++;
      i++;
    } else if (c === QUOTE) {
      // Runs on every string of every message on the hot path: char codes, and a string is only copied out
      // when it turns out to be a key.
      const start = i;
      const end = endOfString(start);
      i = end + 1;
      let j = i;
      while (j < text.length && isJsonSpace(text.charCodeAt(j))) j++;
      const top = stack.at(-1);
      if (top?.kind === 'object' && text.charCodeAt(j) === COLON) {
        const key = keyAt(start, end);
        if (top.keys.has(key)) return path(key);
        top.keys.add(key);
        top.key = key;
        i = j + 1;
      }
    } else {
      i++;
    }
  }
  return undefined;
};

const [QUOTE, BACKSLASH, COLON, COMMA] = ['"', '\\', ':', ','].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
];
const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = ['{', '}', '[', ']'].map((c) =>
  c.charCodeAt(0),
) as [number, number, number, number];
/** The only whitespace JSON allows between tokens: space, tab, line feed, carriage return. */
const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
