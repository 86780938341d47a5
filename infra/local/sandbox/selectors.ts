// Label selectors (string and LabelSelector forms) and field selectors, with apimachinery's semantics.
import { badRequest } from './errors.js';
import type { K8sObject } from './types.js';

export type Operator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

/** The metav1.LabelSelector shape used in workload specs. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

// Tokens: identifiers are runs of anything but blanks and the selector punctuation.
const TOKEN = /\s*(==|!=|=|\(|\)|,|!|<|>|[^\s=!(),<>]+)/y;

function tokenize(input: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < input.length) {
    const m = TOKEN.exec(input);
    if (!m) {
      if (/^\s*$/.test(input.slice(TOKEN.lastIndex))) break;
      throw badRequest(`unable to parse requirement: invalid label selector: ${JSON.stringify(input)}`);
    }
    tokens.push(m[1] as string);
  }
  return tokens;
}

/** Parses `app=web,tier in (a,b),!canary` into requirements; throws 400 BadRequest when malformed. */
export function parseLabelSelector(input: string): Requirement[] {
  const tokens = tokenize(input);
  const reqs: Requirement[] = [];
  let i = 0;
  const fail = (): never => {
    throw badRequest(
      `unable to parse requirement: found '${tokens[i] ?? ''}', invalid label selector: "${input}"`,
    );
  };
  const ident = (): string => {
    const t = tokens[i];
    if (t === undefined || /^(==|!=|=|\(|\)|,|!|<|>)$/.test(t)) return fail();
    i++;
    return t;
  };
  while (i < tokens.length) {
    if (tokens[i] === '!') {
      i++;
      reqs.push({ key: ident(), op: '!', values: [] });
    } else {
      const key = ident();
      const op = tokens[i];
      if (op === undefined || op === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (op === '=' || op === '==' || op === '!=') {
        i++;
        // `key=` (empty value) is legal and means "label present with the empty value".
        const next = tokens[i];
        const value = next === undefined || next === ',' ? '' : ident();
        reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [value] });
      } else if (op === 'in' || op === 'notin') {
        i++;
        if (tokens[i++] !== '(') fail();
        const values: string[] = [];
        while (tokens[i] !== ')') {
          if (tokens[i] === ',') i++;
          else values.push(ident());
          if (i >= tokens.length) fail();
        }
        i++;
        reqs.push({ key, op, values });
      } else if (op === '<' || op === '>') {
        i++;
        const value = ident();
        if (!/^-?\d+$/.test(value)) fail();
        reqs.push({ key, op: op === '>' ? 'gt' : 'lt', values: [value] });
      } else {
        fail();
      }
    }
    if (i < tokens.length && tokens[i++] !== ',') fail();
  }
  return reqs;
}

/** True when the labels satisfy every requirement. */
export function matchesRequirements(reqs: readonly Requirement[], labels: Labels): boolean {
  return reqs.every((r) => {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels?.[r.key] : undefined;
    switch (r.op) {
      case '=':
      case 'in':
        return has && r.values.includes(value as string);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value as string);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value as string)) return false;
        const diff = Number(value) - Number(r.values[0]);
        return r.op === 'gt' ? diff > 0 : diff < 0;
      }
    }
    return false;
  });
}

/** Converts a metav1.LabelSelector to requirements (an empty selector matches everything). */
export function selectorRequirements(sel: LabelSelector | undefined): Requirement[] {
  const reqs: Requirement[] = Object.entries(sel?.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: '=' as const,
    values: [v],
  }));
  for (const e of sel?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[
      e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    ];
    if (op) reqs.push({ key: e.key, op, values: [...(e.values ?? [])] });
  }
  return reqs;
}

/** Renders requirements like labels.Selector.String(): `app=web,tier in (a,b)`. */
export function formatRequirements(reqs: readonly Requirement[]): string {
  return [...reqs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.op) {
        case '=':
        case '!=':
          return `${r.key}${r.op}${r.values[0] ?? ''}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        default:
          return `${r.key}${r.op === 'gt' ? '>' : '<'}${r.values[0] ?? ''}`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

// Field selector values may escape `\,`, `\=` and `\\` (fields.EscapeValue).
function splitUnescaped(input: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (c === '\\' && i + 1 < input.length) {
      cur += c + input[++i];
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Parses `metadata.name=x,status.phase!=Failed`; only the listed fields are supported (400 otherwise). */
export function parseFieldSelector(input: string, supported: readonly string[]): FieldRequirement[] {
  if (input.trim() === '') return [];
  return splitUnescaped(input, ',').map((part) => {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = (m[1] as string).trim();
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    const value = (m[3] as string).replace(/\\(.)/g, '$1');
    return { field, op: m[2] === '!=' ? '!=' : '=', value };
  });
}

/** True when the object's fields (looked up by dotted path, stringified) satisfy the selector. */
export function matchesFields(reqs: readonly FieldRequirement[], obj: K8sObject): boolean {
  return reqs.every((r) => {
    let cur: unknown = obj;
    for (const p of r.field.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[p];
    const actual = cur === undefined || cur === null ? '' : String(cur);
    return r.op === '=' ? actual === r.value : actual !== r.value;
  });
}
