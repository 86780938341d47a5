/**
 * Alertmanager matcher syntax: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
 * Regexes are fully anchored, as in Alertmanager. Values may be quoted (with \" and \\ escapes) or bare.
 */
export type MatchType = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
  /** Compiled once for =~ and !~. */
  regex?: RegExp;
}

/** Bounds that keep a policy author's regex from becoming a CPU sink (JS regexes backtrack; RE2 does not). */
export const MAX_MATCHER_REGEX_LENGTH = 256;
/** Constructs RE2 (Alertmanager's engine) does not support. */
const FORBIDDEN_REGEX = [
  { re: /\\[1-9]|\\k</, why: 'backreferences are not supported (Alertmanager uses RE2)' },
  { re: /\(\?<?[=!]/, why: 'lookaround is not supported (Alertmanager uses RE2)' },
];
/** More unbounded quantifiers than this make a failing match polynomial of high degree in the label length. */
export const MAX_UNBOUNDED_QUANTIFIERS = 2;

const MATCHER_RE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/** Parses one matcher; throws an Error with a message fit for a validation report. */
export const parseMatcher = (input: string): Matcher => {
  const m = MATCHER_RE.exec(input);
  if (!m)
    throw new Error(
      `"${input}" is not a matcher (expected name="value", name!="value", name=~"re" or name!~"re")`,
    );
  const [, name = '', type = '=', raw = ''] = m;
  const value = unquote(raw, input);
  const matcher: Matcher = { name, type: type as MatchType, value };
  if (type === '=~' || type === '!~') matcher.regex = compileAnchored(value);
  return matcher;
};

/** Whether the label set satisfies the matcher; a missing label counts as the empty string (Alertmanager). */
export const matches = (matcher: Matcher, labels: Readonly<Record<string, string>>): boolean => {
  const actual = labels[matcher.name] ?? '';
  switch (matcher.type) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return matcher.regex?.test(actual) ?? false;
    case '!~':
      return !(matcher.regex?.test(actual) ?? false);
  }
};

const unquote = (raw: string, input: string): string => {
  if (!raw.startsWith('"')) {
    if (/["\s,{}]/.test(raw))
      throw new Error(`"${input}": unquoted value may not contain quotes, spaces, commas or braces`);
    return raw;
  }
  if (raw.length < 2 || !raw.endsWith('"')) throw new Error(`"${input}": unterminated quoted value`);
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[++i];
      if (next === 'n') out += '\n';
      else if (next === '"' || next === '\\') out += next;
      // Like Alertmanager, any other escape stays literal, so regexes can say \d or \.
      else out += `\\${next ?? ''}`;
    } else if (c === '"') {
      throw new Error(`"${input}": unescaped quote inside value`);
    } else {
      out += c;
    }
  }
  return out;
};

const compileAnchored = (pattern: string): RegExp => {
  if (pattern.length > MAX_MATCHER_REGEX_LENGTH) {
    throw new Error(`regex is ${pattern.length} characters; at most ${MAX_MATCHER_REGEX_LENGTH} are allowed`);
  }
  for (const { re, why } of FORBIDDEN_REGEX) {
    if (re.test(pattern)) throw new Error(`regex "${pattern}": ${why}`);
  }
  const risk = backtrackingRisk(pattern);
  if (risk) throw new Error(`regex "${pattern}": ${risk}`);
  try {
    return new RegExp(`^(?:${pattern})$`, 's');
  } catch (cause) {
    throw new Error(`regex "${pattern}" does not compile: ${(cause as Error).message}`, { cause });
  }
};

/**
 * JS regexes backtrack (Alertmanager's RE2 does not), so a policy regex could hang the function on a crafted
 * label. Refuses the shapes that cause it: a quantified group that itself contains a quantifier or an
 * alternation (`(a+)+`, `(a|aa)+`, `(a?a?)+`, `(\\w|\\d)+`), and more than MAX_UNBOUNDED_QUANTIFIERS unbounded
 * quantifiers. Conservative: matcher regexes are short alternations and prefixes in practice.
 */
export const backtrackingRisk = (pattern: string): string | undefined => {
  type Group = { quantified: boolean; alternation: boolean };
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let unbounded = 0;
  let i = 0;
  const quantifierAt = (j: number): { length: number; unbounded: boolean } | undefined => {
    const c = pattern[j];
    if (c === '*' || c === '+') return { length: pattern[j + 1] === '?' ? 2 : 1, unbounded: true };
    if (c === '?') return { length: pattern[j + 1] === '?' ? 2 : 1, unbounded: false };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(j));
      if (m) return { length: m[0].length, unbounded: m[2] !== undefined && m[3] === '' };
    }
    return undefined;
  };
  while (i < pattern.length) {
    const c = pattern[i];
    const top = stack.at(-1) ?? { quantified: false, alternation: false };
    if (c === '\\') i += 2;
    else if (c === '[') {
      // A character class is one atom: skip to its closing bracket (a leading ] or an escaped one is literal).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      i += pattern[i + 1] === '?' && pattern[i + 2] === ':' ? 3 : 1;
      continue;
    } else if (c === ')') {
      const group = stack.pop() ?? { quantified: false, alternation: false };
      const q = quantifierAt(i + 1);
      if (q && (group.quantified || group.alternation)) {
        return 'a repeated group containing a repetition or an alternative can backtrack catastrophically: simplify it';
      }
      const parent = stack.at(-1);
      if (parent) {
        parent.quantified ||= group.quantified || q !== undefined;
        parent.alternation ||= group.alternation;
      }
      if (q?.unbounded) unbounded++;
      i += 1 + (q?.length ?? 0);
      continue;
    } else if (c === '|') {
      top.alternation = true;
      i++;
      continue;
    } else i++;
    const q = quantifierAt(i);
    if (q) {
      top.quantified = true;
      if (q.unbounded) unbounded++;
      i += q.length;
    }
  }
  return unbounded > MAX_UNBOUNDED_QUANTIFIERS
    ? `${unbounded} unbounded repetitions (*, +, {n,}); at most ${MAX_UNBOUNDED_QUANTIFIERS} keep matching fast`
    : undefined;
};
