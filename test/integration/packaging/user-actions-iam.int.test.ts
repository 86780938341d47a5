// The generator behind infra/resources/user-actions.yml (user-actions-iam.cjs), called as osls calls it (a function
// given resolveVariable), on the shipped policies and on policies it must refuse.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

type Fragment = { Resources?: Record<string, { Properties: { PolicyDocument: { Statement: unknown[] } } }> };
type Generator = ((input: { resolveVariable: (v: string) => Promise<string> }) => Promise<Fragment>) & {
  userActionStatements: (docs: Array<{ file: string; document: unknown }>) => Array<Record<string, unknown>>;
};
const generate = createRequire(import.meta.url)('../../../infra/resources/user-actions-iam.cjs') as Generator;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const withPolicies = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'remedy-user-actions-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const resolveTo = (dir: string) => ({
  resolveVariable: async (v: string) => {
    expect(v).toBe('param:userActionPolicies');
    return dir;
  },
});

describe('user-actions-iam.cjs', () => {
  it('adds nothing for policies without user actions', async () => {
    const dir = withPolicies({ 'p.yaml': 'name: p\naction: { type: deletePod }\n' });
    expect(await generate(resolveTo(dir))).toEqual({ Resources: {}, extensions: {} });
  });

  it('covers every shipped example policy that names a user action', async () => {
    const fragment = await generate(resolveTo('infra/policies'));
    const sids = (
      fragment.Resources?.RemediateUserActionsPolicy?.Properties.PolicyDocument.Statement ?? []
    ).map((s) => (s as { Sid: string }).Sid);
    const names = readdirSync('infra/policies')
      .map((f) => readFileSync(join('infra/policies', f), 'utf8'))
      .filter((text) => /type: (startAutomation|startExecution|invokeFunction)\b/.test(text))
      .map((text) => /^name: (\S+)/m.exec(text)?.[1] ?? '');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const sid = name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
      expect(sids.some((s) => s.startsWith(sid))).toBe(true);
    }
  });

  it('finds user actions wherever a policy puts them, and names each target once', () => {
    const action = {
      type: 'invokeFunction',
      functionName: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
    };
    const statements = generate.userActionStatements([
      { file: 'a.yaml', document: { name: 'a', action, escalate: [{ steps: action }] } },
      { file: 'b.yaml', document: { name: 'b', action: { ...action, qualifier: '7' } } },
    ]);
    expect(statements).toEqual([
      {
        Sid: 'AInvokeFunction',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [action.functionName],
      },
      {
        Sid: 'BInvokeFunction',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [`${action.functionName}:7`],
      },
    ]);
  });

  it('scopes a runbook given by document ARN to that account and region', () => {
    const [statement] = generate.userActionStatements([
      {
        file: 'c.yaml',
        document: {
          name: 'c',
          action: {
            type: 'startAutomation',
            documentName: 'arn:aws:ssm:eu-west-1:444455556666:document/Shared-Runbook',
          },
        },
      },
    ]);
    expect(JSON.stringify(statement?.Resource)).toContain(
      '"eu-west-1","444455556666","automation-definition/Shared-Runbook:*"',
    );
  });

  it('refuses at package time what it cannot scope exactly, naming file and field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { type: 'startAutomation', documentName: '{{runbook}}' },
        /x\.yaml: action\.documentName: "\{\{runbook\}\}" is not an SSM document name/,
      ],
      [
        {
          type: 'startAutomation',
          documentName: 'Remedy-X',
          parameters: { AutomationAssumeRole: '{{role}}' },
        },
        /action\.parameters\.AutomationAssumeRole: .* must be a literal IAM role ARN/,
      ],
      [
        { type: 'startExecution', stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:*' },
        /action\.stateMachineArn/,
      ],
      [{ type: 'invokeFunction', functionName: 'fn*' }, /action\.functionName/],
    ];
    for (const [action, message] of cases) {
      const dir = withPolicies({ 'x.yaml': JSON.stringify({ name: 'x', action }) });
      await expect(generate(resolveTo(dir))).rejects.toThrow(message);
    }
  });

  it('reads only .yaml/.yml files, in name order, and reports a YAML error with its file', async () => {
    const ok = withPolicies({
      'b.yml':
        'name: b\naction: { type: startExecution, stateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:b" }\n',
      'a.yaml':
        'name: a\naction: { type: startExecution, stateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:a" }\n',
      'notes.txt': 'action: { type: invokeFunction, functionName: ignored }',
    });
    const fragment = await generate(resolveTo(ok));
    const statements = fragment.Resources?.RemediateUserActionsPolicy?.Properties.PolicyDocument.Statement;
    expect(statements?.map((s) => (s as { Sid: string }).Sid)).toEqual([
      'AStartExecution',
      'BStartExecution',
    ]);
    const broken = withPolicies({ 'bad.yaml': 'name: [unclosed\n' });
    await expect(generate(resolveTo(broken))).rejects.toThrow(/bad\.yaml: /);
  });
});
