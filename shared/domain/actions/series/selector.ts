/**
 * PromQL series selectors for deleteSeries, checked strictly when the policy is applied: `metric{label="v",…}`
 * or `{__name__="metric",…}`, with a fixed metric name. A regex on the name, or no name at all, could select
 * every series of the server, and deleting those is not a remediation; placeholders are refused because the
 * matchers come from the policy only, never from an alert.
 */

export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface SeriesSelector {
  metric: string;
  matchers: LabelMatcher[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
export const MAX_SELECTOR_LENGTH = 512;

type Parsed = { ok: true; selector: SeriesSelector } | { ok: false; reason: string };

/** Reads one double-quoted PromQL string at the start of `text`: its value and what follows. */
const readString = (text: string): { value: string; rest: string } | undefined => {
  if (!text.startsWith('"')) return undefined;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      const escapes: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };
      if (next === undefined || !Object.hasOwn(escapes, next)) return undefined;
      value += escapes[next];
      i++;
    } else if (c === '"') {
      return { value, rest: text.slice(i + 1) };
    } else {
      value += c;
    }
  }
  return undefined;
};

/** Parses a selector, or says what is wrong with it. */
export const parseSeriesSelector = (input: string): Parsed => {
  const fail = (why: string): Parsed => ({ ok: false, reason: `${JSON.stringify(input)}: ${why}` });
  if (input.length > MAX_SELECTOR_LENGTH) return fail(`longer than ${MAX_SELECTOR_LENGTH} characters`);
  if (input.includes('{{')) return fail('placeholders are not allowed: matchers come from the policy only');
  let rest = input.trim();
  const name = METRIC.exec(rest)?.[0];
  rest = rest.slice(name?.length ?? 0).trim();
  const matchers: LabelMatcher[] = [];
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trim();
    while (!rest.startsWith('}')) {
      const label = LABEL.exec(rest)?.[0];
      if (!label) return fail(`expected a label name at ${JSON.stringify(rest.slice(0, 20))}`);
      rest = rest.slice(label.length).trim();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => rest.startsWith(o));
      if (!op) return fail(`expected =, !=, =~ or !~ after ${label}`);
      const read = readString(rest.slice(op.length).trim());
      if (!read) return fail(`expected a double-quoted value for ${label}`);
      if (op === '=~' || op === '!~') {
        try {
          new RegExp(`^(?:${read.value})$`);
        } catch {
          return fail(`the regex for ${label} does not compile`);
        }
      }
      matchers.push({ name: label, op, value: read.value });
      rest = read.rest.trim();
      if (rest.startsWith(',')) rest = rest.slice(1).trim();
      else if (!rest.startsWith('}')) return fail('expected "," or "}" after a matcher');
    }
    rest = rest.slice(1).trim();
  }
  if (rest !== '') return fail(`unexpected ${JSON.stringify(rest.slice(0, 20))}`);
  const nameMatchers = matchers.filter((m) => m.name === '__name__');
  if (nameMatchers.some((m) => m.op !== '=')) return fail('__name__ may only be matched with =');
  const names = new Set([...(name ? [name] : []), ...nameMatchers.map((m) => m.value)]);
  if (names.size === 0) return fail('name the metric whose series to delete (metric{…} or __name__="…")');
  if (names.size > 1) return fail('names two different metrics');
  const [metric = ''] = [...names];
  if (!METRIC.test(metric) || METRIC.exec(metric)?.[0] !== metric)
    return fail(`${JSON.stringify(metric)} is not a metric name`);
  return { ok: true, selector: { metric, matchers: matchers.filter((m) => m.name !== '__name__') } };
};

const quote = (value: string): string =>
  `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;

/** The canonical text sent as `match[]`: `metric{a="x",b=~"y"}`. */
export const formatSeriesSelector = (s: SeriesSelector): string =>
  s.matchers.length === 0
    ? s.metric
    : `${s.metric}{${s.matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(',')}}`;
