import type { Target } from '../../target/target.js';

/** Placeholders a runbook parameter may use besides `{{label}}`. */
export const TEMPLATE_KEYS: readonly string[] = [
  'target.cluster',
  'target.namespace',
  'target.kind',
  'target.name',
  'remedy.alertname',
  'remedy.policy',
  'remedy.decisionId',
  'remedy.context',
];

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The placeholder names in a template, or why it is malformed (an unclosed or stray brace pair). */
export const placeholdersOf = (
  text: string,
): { ok: true; names: string[] } | { ok: false; reason: string } => {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}'))
    return { ok: false, reason: `malformed placeholder in ${JSON.stringify(text)}: write {{name}}` };
  return { ok: true, names };
};

/**
 * What a label value must look like to reach a runbook parameter: the characters of Kubernetes names,
 * instance IDs, node names, ARNs. No spaces, quotes, `$`, `;`, `/` or backticks, so a hostile label cannot
 * turn into a shell word, a path or a second argument inside the user's runbook.
 */
export const SAFE_LABEL_VALUE = /^[A-Za-z0-9](?:[A-Za-z0-9._:@-]{0,251}[A-Za-z0-9])?$/;

/** What the templates are rendered from. `context` is the JSON the other user actions receive. */
export interface TemplateContext {
  labels: Readonly<Record<string, string>>;
  target: Target;
  alertname: string;
  policy: string;
  decisionId: string;
  context: string;
}

const truncate = (s: string): string => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** Renders one template; a missing or unsafe label refuses the whole action, naming the label. */
export const renderTemplate = (
  text: string,
  ctx: TemplateContext,
): { ok: true; value: string } | { ok: false; reason: string } => {
  let problem: string | undefined;
  const value = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const fixed: Record<string, string> = {
      'target.cluster': ctx.target.cluster,
      'target.namespace': ctx.target.namespace,
      'target.kind': ctx.target.kind,
      'target.name': ctx.target.name,
      'remedy.alertname': ctx.alertname,
      'remedy.policy': ctx.policy,
      'remedy.decisionId': ctx.decisionId,
      'remedy.context': ctx.context,
    };
    if (Object.hasOwn(fixed, name)) return fixed[name] ?? '';
    const label = Object.hasOwn(ctx.labels, name) ? ctx.labels[name] : undefined;
    if (label === undefined || label === '') {
      problem ??= `the alert has no label "${name}"`;
      return '';
    }
    if (!SAFE_LABEL_VALUE.test(label)) {
      problem ??= `label "${name}" value ${JSON.stringify(truncate(label))} is not a safe parameter value (letters, digits and . _ : @ -, at most 253)`;
      return '';
    }
    return label;
  });
  return problem === undefined ? { ok: true, value } : { ok: false, reason: problem };
};

/** Renders every parameter, as SSM wants them (a list of strings each), or the first problem. */
export const renderParameters = (
  parameters: Readonly<Record<string, string>>,
  ctx: TemplateContext,
): { ok: true; value: Record<string, string[]> } | { ok: false; reason: string } => {
  const out: Record<string, string[]> = {};
  for (const [name, template] of Object.entries(parameters)) {
    const rendered = renderTemplate(template, ctx);
    if (!rendered.ok) return { ok: false, reason: `parameter ${name}: ${rendered.reason}` };
    out[name] = [rendered.value];
  }
  return { ok: true, value: out };
};
