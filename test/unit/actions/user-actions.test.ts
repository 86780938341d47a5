import { describe, expect, it } from 'vitest';
import { decisionIds, executionName } from '#app/executors/user-action.js';
import { actionSchema, planAction, targetKindOf } from '#domain/actions/catalog.js';
import { describePlan } from '#domain/actions/plan.js';
import { renderParameters, renderTemplate } from '#domain/actions/user/render.js';
import type { Target } from '#domain/target/target.js';

const pod: Target = { cluster: 'prod', namespace: 'shop', kind: 'Pod', name: 'api-7d9' };
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:cleanup';
const ctx = {
  labels: { node: 'ip-10-0-1-7.ec2.internal', instance: 'i-0abc123', bad: 'x; reboot', slash: 'a/b' },
  target: pod,
  alertname: 'NodeDiskPressure',
  policy: 'p',
  decisionId: 'd'.repeat(32),
  context: '{"x":1}',
};

describe('user action params', () => {
  it('accept names and ARNs and keep only what the policy says', () => {
    expect(
      actionSchema.parse({
        type: 'startAutomation',
        documentName: 'AWS-RestartEC2Instance',
        parameters: { InstanceId: '{{instance}}' },
      }),
    ).toEqual({
      type: 'startAutomation',
      documentName: 'AWS-RestartEC2Instance',
      parameters: { InstanceId: '{{instance}}' },
    });
    expect(
      actionSchema.parse({
        type: 'startAutomation',
        documentName: 'arn:aws:ssm:eu-west-1:123456789012:document/remedy-clean',
        documentVersion: '$LATEST',
      }).type,
    ).toBe('startAutomation');
    expect(actionSchema.parse({ type: 'startExecution', stateMachineArn: `${MACHINE}:prod` }).type).toBe(
      'startExecution',
    );
    expect(
      actionSchema.parse({
        type: 'invokeFunction',
        functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:f:live',
      }).type,
    ).toBe('invokeFunction');
  });

  it.each([
    [{ type: 'startAutomation', documentName: 'a b' }, ['documentName']],
    [{ type: 'startAutomation', documentName: 'doc', documentVersion: 'latest' }, ['documentVersion']],
    [
      { type: 'startAutomation', documentName: 'doc', parameters: { 'Bad-Name': 'x' } },
      ['parameters', 'Bad-Name'],
    ],
    [
      { type: 'startAutomation', documentName: 'doc', parameters: { P: '{{labels.node}}' } },
      ['parameters', 'P'],
    ],
    [{ type: 'startAutomation', documentName: 'doc', parameters: { P: '{{node' } }, ['parameters', 'P']],
    [{ type: 'startExecution', stateMachineArn: 'cleanup' }, ['stateMachineArn']],
    [
      { type: 'startExecution', stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:*' },
      ['stateMachineArn'],
    ],
    [{ type: 'invokeFunction', functionName: 'f*' }, ['functionName']],
    [
      {
        type: 'invokeFunction',
        functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:f:live',
        qualifier: 'x',
      },
      ['qualifier'],
    ],
    [{ type: 'invokeFunction', functionName: 'f', extra: 1 }, []],
  ])('refuse %j at %j', (input, path) => {
    const result = actionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('start from the kind the policy sets, else whatever the target names', () => {
    expect(
      targetKindOf(actionSchema.parse({ type: 'invokeFunction', functionName: 'f', kind: 'Deployment' })),
    ).toEqual(['Deployment']);
    expect(targetKindOf(actionSchema.parse({ type: 'startExecution', stateMachineArn: MACHINE }))).toEqual([
      'Pod',
      'Deployment',
      'StatefulSet',
      'DaemonSet',
    ]);
  });

  it('describe what they will do in one line', () => {
    const plan = (action: unknown) => describePlan(planAction(actionSchema.parse(action), pod));
    expect(plan({ type: 'startAutomation', documentName: 'doc', documentVersion: '2' })).toBe(
      'start SSM Automation runbook doc (version 2) for pod shop/api-7d9 in cluster prod',
    );
    expect(plan({ type: 'startExecution', stateMachineArn: MACHINE })).toBe(
      `start Step Functions state machine ${MACHINE} for pod shop/api-7d9 in cluster prod`,
    );
    expect(plan({ type: 'invokeFunction', functionName: 'f', qualifier: 'live' })).toBe(
      'invoke Lambda function f:live asynchronously for pod shop/api-7d9 in cluster prod',
    );
  });
});

describe('parameter rendering', () => {
  it('fills labels, target fields and remedy values', () => {
    expect(
      renderParameters(
        {
          Node: '{{node}}',
          Where: '{{ target.namespace }}/{{target.name}}',
          Id: '{{remedy.decisionId}}',
          C: '{{remedy.context}}',
        },
        ctx,
      ),
    ).toEqual({
      ok: true,
      value: {
        Node: ['ip-10-0-1-7.ec2.internal'],
        Where: ['shop/api-7d9'],
        Id: ['d'.repeat(32)],
        C: ['{"x":1}'],
      },
    });
  });

  it.each([
    ['{{bad}}', 'label "bad" value "x; reboot" is not a safe parameter value'],
    ['{{slash}}', 'label "slash" value "a/b" is not a safe parameter value'],
    ['{{missing}}', 'the alert has no label "missing"'],
  ])('refuses %s: %s', (template, reason) => {
    expect(renderTemplate(template, ctx)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe('idempotency from the alert episode', () => {
  it('derives the same ids for the same episode and policy, different ones otherwise', () => {
    const a = decisionIds({ episode: 'fp#2026-11-25T10:00:00.000Z', policy: 'p' });
    expect(decisionIds({ episode: 'fp#2026-11-25T10:00:00.000Z', policy: 'p' })).toEqual(a);
    expect(decisionIds({ episode: 'fp#2026-11-25T10:05:00.000Z', policy: 'p' })).not.toEqual(a);
    expect(decisionIds({ episode: 'fp#2026-11-25T10:00:00.000Z', policy: 'q' })).not.toEqual(a);
    expect(a.decisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.idempotencyToken).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('names Step Functions executions within its 80 characters', () => {
    const name = executionName('x'.repeat(63), decisionIds({ episode: 'e', policy: 'x'.repeat(63) }));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});
