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
/** Constructs RE2 (Alertmanager's engine) does not support, or that invite catastrophic backtracking. */
const FORBIDDEN_REGEX = [
  { re: /\\[1-9]|\\k</, why: 'backreferences are not supported (Alertmanager uses RE2)' },
  { re: /\(\?<?[=!]/, why: 'lookaround is not supported (Alertmanager uses RE2)' },
  { re: /\([^()]*[+*}][^()]*\)[+*{]/, why: 'nested quantifiers like (a+)+ can backtrack catastrophically' },
];

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
  try {
    return new RegExp(`^(?:${pattern})$`, 's');
  } catch (cause) {
    throw new Error(`regex "${pattern}" does not compile: ${(cause as Error).message}`, { cause });
  }
};
