import { z } from 'zod';

/**
 * A PromQL check: an instant query, with the alert's labels substituted, and a condition its value must meet.
 * Policies use it as `analysis` (look before acting) and `verify` (check after). Pure: rendering and evaluating
 * never touch the network; running the query is {@link PrometheusQueries}' job (shared/app/run-check.ts).
 *
 * Safety: alert labels come from whoever can post to Alertmanager, so a label value must never change the
 * shape of the query. A `{{label}}` placeholder is therefore only allowed inside a quoted PromQL string, and
 * its value is escaped as a string literal (and as a regular expression after `=~`/`!~`): a value can only
 * ever be a value.
 */

/** Most checks are one or two lines; a longer one is a query to record as a rule, not to inline. */
export const MAX_QUERY_LENGTH = 4096;
/** A rendered query longer than this (huge label values) is refused rather than sent. */
export const MAX_RENDERED_LENGTH = 16_384;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PLACEHOLDER = /^\{\{\s*([^{}]*?)\s*\}\}/;

export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
const CONDITION = /^\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/** A parsed condition: `> 0.95` is `{ op: '>', threshold: 0.95 }`. */
export interface Condition {
  op: ComparisonOp;
  threshold: number;
}

/** Parses `> 0.95`, `== 0`, `<= 3`, `!= 1e3`; throws an Error saying what a condition looks like. */
export const parseCondition = (text: string): Condition => {
  const match = CONDITION.exec(text);
  if (!match)
    throw new Error(
      `invalid condition ${JSON.stringify(text)}: write an operator (> >= < <= == !=) and a number, e.g. "> 0.95"`,
    );
  return { op: match[1] as ComparisonOp, threshold: Number(match[2]) };
};

/** Whether `value` meets `condition` (a string as in the policy, or parsed). NaN meets nothing, not even `!=`. */
export const evaluateCondition = (condition: string | Condition, value: number): boolean => {
  const { op, threshold } = typeof condition === 'string' ? parseCondition(condition) : condition;
  if (Number.isNaN(value)) return false;
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
};

/** One piece of a query template: literal PromQL, or a label to substitute inside a string literal. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'label'; label: string; quote: '"' | "'"; regex: boolean };

type Scan = { ok: true; parts: TemplatePart[] } | { ok: false; problems: string[] };

/**
 * Splits a query template into PromQL text and placeholders, tracking where strings and comments start and
 * end as the PromQL lexer does. Refuses a placeholder outside a quoted string, inside a raw (backtick)
 * string (which has no escapes), or one that does not name a label.
 */
export const scanTemplate = (template: string): Scan => {
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  let text = '';
  let quote: '"' | "'" | '`' | undefined;
  let regex = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (template.startsWith('{{', i)) {
      const match = PLACEHOLDER.exec(template.slice(i));
      const written = match?.[0] ?? template.slice(i, i + 20);
      const label = match?.[1] ?? '';
      if (!match || !LABEL_NAME.test(label)) {
        problems.push(
          `${JSON.stringify(written)} is not a placeholder: write {{label}} with an alert label name, e.g. "{{pod}}"`,
        );
      } else if (quote === undefined) {
        problems.push(
          `placeholder {{${label}}} must be inside a quoted string, e.g. ${label}="{{${label}}}" (a label value is never PromQL syntax)`,
        );
      } else if (quote === '`') {
        problems.push(
          `placeholder {{${label}}} is inside a raw \`string\`, which cannot escape a value; use "double quotes"`,
        );
      } else {
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'label', label, quote, regex });
      }
      i += match ? match[0].length : 2;
      continue;
    }
    text += ch;
    i++;
    if (quote === undefined) {
      if (ch === '#') {
        // A comment runs to the end of the line; placeholders in it would be silently dropped by Prometheus.
        const end = template.indexOf('\n', i);
        const comment = template.slice(i, end === -1 ? undefined : end);
        if (comment.includes('{{')) problems.push('placeholders are not allowed in a # comment');
        text += comment;
        i += comment.length;
      } else if (ch === '"' || ch === "'" || ch === '`') {
        quote = ch;
        regex = /[=!]~\s*$/.test(text.slice(0, -1));
      }
    } else if (ch === '\\' && quote !== '`' && i < template.length) {
      text += template[i];
      i++;
    } else if (ch === quote) {
      quote = undefined;
    }
  }
  if (quote !== undefined) problems.push(`unterminated ${quote} string`);
  if (text !== '') parts.push({ kind: 'text', text });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, parts };
};

/** The labels a template substitutes, in order of first use. */
export const templateLabels = (template: string): string[] => {
  const scan = scanTemplate(template);
  if (!scan.ok) return [];
  return [...new Set(scan.parts.flatMap((p) => (p.kind === 'label' ? [p.label] : [])))];
};

/** RE2 metacharacters: after `=~`, a label value matches itself only (Prometheus anchors the regex). */
const escapeRegex = (value: string): string => value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/** The body of a Go/PromQL string literal in `quote` that reads back as exactly `value`. */
export const escapeStringLiteral = (value: string, quote: '"' | "'"): string => {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out;
};

export type Rendered = { ok: true; query: string } | { ok: false; reason: string };

/**
 * Substitutes alert labels into a query template. Refuses (never guesses) when the template is invalid, a
 * label it names is missing from the alert, or the result is unreasonably long.
 */
export const renderQuery = (template: string, labels: Readonly<Record<string, string>>): Rendered => {
  const scan = scanTemplate(template);
  if (!scan.ok) return { ok: false, reason: `invalid query template: ${scan.problems.join('; ')}` };
  const missing = [
    ...new Set(
      scan.parts.flatMap((p) => (p.kind === 'label' && !Object.hasOwn(labels, p.label) ? [p.label] : [])),
    ),
  ];
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `the alert has no label ${missing.map((l) => `"${l}"`).join(', ')} that the query needs`,
    };
  }
  const query = scan.parts
    .map((p) => {
      if (p.kind === 'text') return p.text;
      const value = labels[p.label] ?? '';
      return escapeStringLiteral(p.regex ? escapeRegex(value) : value, p.quote);
    })
    .join('');
  if (query.length > MAX_RENDERED_LENGTH)
    return {
      ok: false,
      reason: `the rendered query is ${query.length} characters (limit ${MAX_RENDERED_LENGTH})`,
    };
  return { ok: true, query };
};

const onOutcome = z.enum(['skip', 'act']);

/** A check as written in a policy. */
export const checkSchema = z
  .object({
    // PromQL instant query; `{{label}}` placeholders inside quoted strings take the alert's label values.
    query: z
      .string()
      .trim()
      .min(1, 'must be a PromQL query')
      .max(MAX_QUERY_LENGTH)
      .superRefine((value, ctx) => {
        const scan = scanTemplate(value);
        if (!scan.ok) for (const message of scan.problems) ctx.addIssue({ code: 'custom', message });
      }),
    // `> 0.95`: what the query's value must meet for the check to hold.
    condition: z.string().superRefine((value, ctx) => {
      try {
        parseCondition(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    // When the query returns several samples: must every one meet the condition (default), or any one?
    holdsFor: z.enum(['all', 'any']).default('all'),
    // No data (no series, or only NaN) and query errors: by default remedy does not act, and records why.
    onEmpty: onOutcome.default('skip'),
    onError: onOutcome.default('skip'),
  })
  .strict();

/** A check as written (defaults optional). */
export type CheckInput = z.input<typeof checkSchema>;
/** A validated check, defaults filled in. */
export type Check = z.output<typeof checkSchema>;
