// SNS subscription filter policies, evaluated the way SNS does: AND across keys, OR within a key's list,
// "$or" between whole sub-policies; an absent attribute matches nothing but {"exists": false}.
// https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
// Pure: no I/O. Policy syntax errors throw FilterPolicyError (SNS refuses such a subscription).

/** A message attribute as the Lambda SNS event carries it. */
export interface SnsEventAttribute {
  Type: string;
  Value: string;
}

/** `FilterPolicyScope` of a subscription. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** Outcome of a policy evaluation; `reason` says which key failed, for logs and tests. */
export type FilterResult = { match: true } | { match: false; reason: string };

/** The policy is not one SNS would accept (thrown when evaluating it). */
export class FilterPolicyError extends Error {
  override name = 'FilterPolicyError';
}

type Scalar = string | number | boolean | null;
/** Values of one key in the message: undefined when the key is absent. */
type Lookup = (key: string) => Scalar[] | undefined;

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Evaluates a policy against message attributes (scope `MessageAttributes`, the default). */
export function matchAttributes(
  policy: unknown,
  attributes: Readonly<Record<string, SnsEventAttribute>>,
): FilterResult {
  return matchPolicy(asObject(policy, 'filter policy'), (key) => attributeValues(attributes[key]));
}

/** Evaluates a policy against a message body (scope `MessageBody`); a body that is not a JSON object never matches. */
export function matchBody(policy: unknown, body: string): FilterResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { match: false, reason: 'message body is not JSON' };
  }
  if (!isPlainObject(parsed)) return { match: false, reason: 'message body is not a JSON object' };
  return matchNested(asObject(policy, 'filter policy'), [parsed]);
}

/** Evaluates a policy for a subscription's scope. */
export function matchFilterPolicy(
  policy: unknown,
  scope: FilterPolicyScope,
  message: { body: string; attributes: Readonly<Record<string, SnsEventAttribute>> },
): FilterResult {
  return scope === 'MessageBody'
    ? matchBody(policy, message.body)
    : matchAttributes(policy, message.attributes);
}

/** Throws FilterPolicyError when SNS would refuse the policy for this scope (checked when subscribing). */
export function validateFilterPolicy(policy: unknown, scope: FilterPolicyScope): void {
  const check = (node: Record<string, unknown>, nestedAllowed: boolean): void => {
    for (const [key, rule] of Object.entries(node)) {
      if (key === '$or') {
        if (!Array.isArray(rule) || rule.length < 2)
          throw new FilterPolicyError('"$or" must be a list of at least 2 policies');
        for (const alternative of rule) check(asObject(alternative, '"$or" alternative'), nestedAllowed);
      } else if (isPlainObject(rule)) {
        if (!nestedAllowed) throw new FilterPolicyError(`"${key}": only MessageBody policies can nest`);
        check(rule, true);
      } else {
        if (!Array.isArray(rule) || rule.length === 0) {
          throw new FilterPolicyError(`"${key}" must be a non-empty list of conditions`);
        }
        // Evaluating every condition against a string and a number reaches each operator's syntax check.
        for (const condition of rule) for (const probe of ['', 0]) conditionMatches(key, condition, [probe]);
      }
    }
  };
  check(asObject(policy, 'filter policy'), scope === 'MessageBody');
}

function matchPolicy(policy: Record<string, unknown>, lookup: Lookup): FilterResult {
  for (const [key, rule] of Object.entries(policy)) {
    const result = key === '$or' ? matchAnyOf(rule, lookup) : matchKey(key, rule, lookup);
    if (!result.match) return result;
  }
  return { match: true };
}

function matchAnyOf(rule: unknown, lookup: Lookup): FilterResult {
  if (!Array.isArray(rule) || rule.length < 2)
    throw new FilterPolicyError('"$or" must be a list of at least 2 policies');
  const reasons: string[] = [];
  for (const alternative of rule) {
    const result = matchPolicy(asObject(alternative, '"$or" alternative'), lookup);
    if (result.match) return result;
    reasons.push(result.reason);
  }
  return { match: false, reason: `no "$or" alternative matches (${reasons.join('; ')})` };
}

function matchKey(key: string, rule: unknown, lookup: Lookup): FilterResult {
  if (!Array.isArray(rule)) throw new FilterPolicyError(`"${key}" must be a list of conditions`);
  const values = lookup(key);
  if (rule.some((condition) => conditionMatches(key, condition, values))) return { match: true };
  const shown = values === undefined ? 'absent' : JSON.stringify(values.length === 1 ? values[0] : values);
  return { match: false, reason: `${key}: ${shown} does not match ${JSON.stringify(rule)}` };
}

// MessageBody scope: a plain-object rule descends into the body; lists are conditions as for attributes.
function matchNested(
  policy: Record<string, unknown>,
  bodies: ReadonlyArray<Record<string, unknown>>,
): FilterResult {
  for (const [key, rule] of Object.entries(policy)) {
    let result: FilterResult;
    if (isPlainObject(rule) && key !== '$or') {
      const children = bodies.flatMap((body) => objectsIn(body[key]));
      result =
        children.length === 0 ? { match: false, reason: `${key}: absent` } : matchNested(rule, children);
    } else {
      const lookup: Lookup = (name) => bodyValues(bodies, name);
      result = key === '$or' ? matchAnyOfNested(rule, bodies) : matchKey(key, rule, lookup);
    }
    if (!result.match) return result;
  }
  return { match: true };
}

function matchAnyOfNested(rule: unknown, bodies: ReadonlyArray<Record<string, unknown>>): FilterResult {
  if (!Array.isArray(rule) || rule.length < 2)
    throw new FilterPolicyError('"$or" must be a list of at least 2 policies');
  const reasons: string[] = [];
  for (const alternative of rule) {
    const result = matchNested(asObject(alternative, '"$or" alternative'), bodies);
    if (result.match) return result;
    reasons.push(result.reason);
  }
  return { match: false, reason: `no "$or" alternative matches (${reasons.join('; ')})` };
}

function conditionMatches(key: string, condition: unknown, values: Scalar[] | undefined): boolean {
  if (isPlainObject(condition) && 'exists' in condition) {
    if (typeof condition.exists !== 'boolean')
      throw new FilterPolicyError(`${key}: "exists" takes true or false`);
    return condition.exists === (values !== undefined);
  }
  if (values === undefined) return false;
  return values.some((value) => valueMatches(key, condition, value));
}

function valueMatches(key: string, condition: unknown, value: Scalar): boolean {
  if (!isPlainObject(condition)) {
    if (!isScalar(condition))
      throw new FilterPolicyError(`${key}: unsupported condition ${JSON.stringify(condition)}`);
    return condition === value;
  }
  const entries = Object.entries(condition);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw new FilterPolicyError(`${key}: a condition object takes exactly one operator`);
  }
  switch (operator) {
    case 'anything-but':
      return !anythingButExcludes(key, operand, value);
    case 'prefix':
      return typeof value === 'string' && value.startsWith(stringOperand(key, operator, operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(stringOperand(key, operator, operand));
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        value.toLowerCase() === stringOperand(key, operator, operand).toLowerCase()
      );
    case 'numeric':
      return typeof value === 'number' && numericMatches(key, operand, value);
    default:
      throw new FilterPolicyError(`${key}: unsupported operator "${operator}"`);
  }
}

// "anything-but" takes a value, a list of values, or a prefix/suffix/equals-ignore-case object to exclude.
function anythingButExcludes(key: string, operand: unknown, value: Scalar): boolean {
  if (Array.isArray(operand)) return operand.some((excluded) => excluded === value);
  if (isPlainObject(operand)) return valueMatches(key, operand, value);
  if (isScalar(operand)) return operand === value;
  throw new FilterPolicyError(`${key}: unsupported "anything-but" operand`);
}

function numericMatches(key: string, operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new FilterPolicyError(`${key}: "numeric" takes ["op", n] or ["op", n, "op", n]`);
  }
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const bound: unknown = operand[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op) || typeof bound !== 'number') {
      throw new FilterPolicyError(`${key}: invalid numeric condition ${JSON.stringify(operand)}`);
    }
    const holds =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : value >= bound;
    if (!holds) return false;
  }
  return true;
}

// Binary attributes are ignored by SNS filtering, as if absent; a String.Array matches if any element does.
function attributeValues(attribute: SnsEventAttribute | undefined): Scalar[] | undefined {
  if (attribute === undefined || attribute.Type.startsWith('Binary')) return undefined;
  if (attribute.Type.startsWith('Number')) {
    const number = Number(attribute.Value);
    return Number.isFinite(number) ? [number] : [];
  }
  if (attribute.Type.startsWith('String.Array')) {
    try {
      const parsed: unknown = JSON.parse(attribute.Value);
      return Array.isArray(parsed) ? parsed.filter(isScalar) : [];
    } catch {
      return [];
    }
  }
  return [attribute.Value];
}

function bodyValues(bodies: ReadonlyArray<Record<string, unknown>>, key: string): Scalar[] | undefined {
  const present = bodies.filter((body) => key in body);
  if (present.length === 0) return undefined;
  return present.flatMap((body) => {
    const value = body[key];
    return Array.isArray(value) ? value.filter(isScalar) : isScalar(value) ? [value] : [];
  });
}

function objectsIn(value: unknown): Array<Record<string, unknown>> {
  if (isPlainObject(value)) return [value];
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function stringOperand(key: string, operator: string, operand: unknown): string {
  if (typeof operand !== 'string') throw new FilterPolicyError(`${key}: "${operator}" takes a string`);
  return operand;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new FilterPolicyError(`${what} must be a JSON object`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
