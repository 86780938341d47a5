import { describe, expect, it } from 'vitest';
import {
  checkSchema,
  escapeStringLiteral,
  evaluateCondition,
  parseCondition,
  renderQuery,
  scanTemplate,
  templateLabels,
} from '#domain/analysis/check.js';

const problems = (template: string) => {
  const scan = scanTemplate(template);
  return scan.ok ? [] : scan.problems;
};

describe('renderQuery', () => {
  it('substitutes alert labels inside quoted strings', () => {
    const rendered = renderQuery(
      'max(container_memory_working_set_bytes{namespace="{{namespace}}", pod=\'{{ pod }}\'})',
      { namespace: 'shop', pod: 'web-1' },
    );
    expect(rendered).toEqual({
      ok: true,
      query: 'max(container_memory_working_set_bytes{namespace="shop", pod=\'web-1\'})',
    });
  });

  it('escapes a value so it cannot close the string and add query syntax', () => {
    const attack = 'x"} or vector(1) or up{a="';
    const rendered = renderQuery('up{pod="{{pod}}"} > 0', { pod: attack });
    expect(rendered).toEqual({ ok: true, query: 'up{pod="x\\"} or vector(1) or up{a=\\""} > 0' });
  });

  it('escapes backslashes, the quote of the string, newlines and control characters', () => {
    expect(escapeStringLiteral('a\\"b\'\n\r\t\u0001\u007f', '"')).toBe('a\\\\\\"b\'\\n\\r\\t\\x01\\x7f');
    expect(escapeStringLiteral('it\'s "x"', "'")).toBe('it\\\'s "x"');
    expect(escapeStringLiteral('naïve ☃', '"')).toBe('naïve ☃');
  });

  it('escapes regex metacharacters after =~ and !~ so a value matches only itself', () => {
    const rendered = renderQuery('up{pod=~"{{pod}}-.*", job!~ "{{job}}"}', { pod: 'web.1', job: '.*' });
    expect(rendered).toEqual({ ok: true, query: 'up{pod=~"web\\\\.1-.*", job!~ "\\\\.\\\\*"}' });
  });

  it('does not regex-escape after a plain = matcher', () => {
    expect(renderQuery('up{pod="{{pod}}"}', { pod: 'a.b' })).toEqual({ ok: true, query: 'up{pod="a.b"}' });
  });

  it('refuses when the alert lacks a label the query needs, naming it', () => {
    expect(renderQuery('up{pod="{{pod}}", ns="{{namespace}}"}', { pod: 'a' })).toEqual({
      ok: false,
      reason: 'the alert has no label "namespace" that the query needs',
    });
  });

  it('refuses an invalid template rather than guessing', () => {
    const rendered = renderQuery('up{pod={{pod}}}', { pod: 'a' });
    expect(rendered.ok).toBe(false);
  });

  it('refuses a rendered query that would be unreasonably long', () => {
    const rendered = renderQuery('up{pod="{{pod}}"}', { pod: 'x'.repeat(20_000) });
    expect(rendered).toMatchObject({ ok: false, reason: expect.stringContaining('limit') });
  });

  it('keeps escaped quotes and braces of the template itself', () => {
    expect(renderQuery('up{a="x\\"{{pod}}"} # note {x}', { pod: 'p' })).toEqual({
      ok: true,
      query: 'up{a="x\\"p"} # note {x}',
    });
  });
});

describe('template validation', () => {
  it('refuses a placeholder outside a quoted string (query-syntax injection)', () => {
    expect(problems('rate(http_requests_total[{{window}}])')).toEqual([
      'placeholder {{window}} must be inside a quoted string, e.g. window="{{window}}" (a label value is never PromQL syntax)',
    ]);
    expect(problems('up{pod="a"} > {{threshold}}')).toHaveLength(1);
    expect(problems('{{metric}}{pod="a"}')).toHaveLength(1);
  });

  it('refuses a placeholder in a raw string, which has no escapes', () => {
    expect(problems('up{pod=`{{pod}}`}')[0]).toMatch(/raw `string`/);
  });

  it('refuses Alertmanager-style or malformed placeholders', () => {
    expect(problems('up{pod="{{ $labels.pod }}"}')[0]).toMatch(/is not a placeholder/);
    expect(problems('up{pod="{{}}"}')[0]).toMatch(/is not a placeholder/);
    expect(problems('up{pod="{{pod"}')[0]).toMatch(/is not a placeholder/);
  });

  it('refuses placeholders in comments and unterminated strings', () => {
    expect(problems('up # {{pod}}')).toEqual(['placeholders are not allowed in a # comment']);
    expect(problems('up{pod="{{pod}}}')).toContain('unterminated " string');
  });

  it('treats quotes inside a comment as comment text', () => {
    expect(problems('up{pod="{{pod}}"} # don\'t')).toEqual([]);
  });

  it('lists the labels a template uses', () => {
    expect(templateLabels('a{x="{{pod}}",y="{{ns}}"} / b{x="{{pod}}"}')).toEqual(['pod', 'ns']);
  });
});

describe('conditions', () => {
  it('parses every comparison operator', () => {
    expect(parseCondition('> 0.95')).toEqual({ op: '>', threshold: 0.95 });
    expect(parseCondition('>=1')).toEqual({ op: '>=', threshold: 1 });
    expect(parseCondition(' < -3 ')).toEqual({ op: '<', threshold: -3 });
    expect(parseCondition('<= 1e3')).toEqual({ op: '<=', threshold: 1000 });
    expect(parseCondition('== 0')).toEqual({ op: '==', threshold: 0 });
    expect(parseCondition('!= .5')).toEqual({ op: '!=', threshold: 0.5 });
  });

  it('refuses anything else, saying what a condition looks like', () => {
    for (const bad of ['0.95', '> ', '=> 1', '= 1', '> 95%', '> NaN', '> 1 and < 2', '>> 1']) {
      expect(() => parseCondition(bad), bad).toThrow(/write an operator/);
    }
  });

  it('evaluates, with NaN meeting no condition', () => {
    expect(evaluateCondition('> 0.95', 0.97)).toBe(true);
    expect(evaluateCondition('> 0.95', 0.95)).toBe(false);
    expect(evaluateCondition('>= 0.95', 0.95)).toBe(true);
    expect(evaluateCondition('< 3', 2)).toBe(true);
    expect(evaluateCondition('<= 3', 4)).toBe(false);
    expect(evaluateCondition('== 0', 0)).toBe(true);
    expect(evaluateCondition('!= 0', 1)).toBe(true);
    expect(evaluateCondition('!= 0', Number.NaN)).toBe(false);
    expect(evaluateCondition('> 0', Number.POSITIVE_INFINITY)).toBe(true);
  });
});

describe('checkSchema', () => {
  it('fills in safe defaults: every sample must hold; no data or an error means do not act', () => {
    expect(checkSchema.parse({ query: 'up{pod="{{pod}}"}', condition: '== 0' })).toEqual({
      query: 'up{pod="{{pod}}"}',
      condition: '== 0',
      holdsFor: 'all',
      onEmpty: 'skip',
      onError: 'skip',
    });
  });

  it('names the field of every problem', () => {
    const parsed = checkSchema.safeParse({
      query: 'up > {{x}}',
      condition: '95%',
      onEmpty: 'maybe',
      extra: 1,
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['query', 'condition', 'onEmpty', '']));
  });
});
