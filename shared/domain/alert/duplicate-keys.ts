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
  const path = (last: string) =>
    [
      ...stack.map((f) => (f.kind === 'array' ? `[${f.index}]` : f.key !== undefined ? `.${f.key}` : '')),
      `.${last}`,
    ]
      .join('')
      .replace(/^\./, '');
  const readString = (): string => {
    // i is at the opening quote; returns the decoded-enough key (escapes kept literal, which is enough to compare).
    let end = i + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    const raw = text.slice(i + 1, end);
    i = end + 1;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };
  while (i < text.length) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '{') {
      stack.push({ kind: 'object', keys: new Set() });
      i++;
    } else if (c === '[') {
      stack.push({ kind: 'array', index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top?.kind === 'array') top.index++;
      i++;
    } else if (c === '"') {
      const value = readString();
      let j = i;
      while (j < text.length && /\s/.test(text[j] ?? '')) j++;
      if (top?.kind === 'object' && text[j] === ':') {
        if (top.keys.has(value)) return path(value);
        top.keys.add(value);
        top.key = value;
        i = j + 1;
      }
    } else {
      i++;
    }
  }
  return undefined;
};
