import { z } from 'zod';
import type { ObjectKind, Target } from '../../target/target.js';
import type { Plan } from '../plan.js';
import { placeholdersOf, TEMPLATE_KEYS } from './render.js';

/**
 * User-defined actions: remedy hands the alert to code the user owns (an SSM Automation runbook, a Step
 * Functions state machine, a Lambda function). The names are fixed in the policy, never taken from an alert,
 * so the IAM the template generates from them can name exactly these resources.
 */

const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';

const SSM_DOCUMENT_NAME = /^[a-zA-Z0-9_.-]{3,128}$/;
const SSM_DOCUMENT_ARN = new RegExp(
  `^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:document/[a-zA-Z0-9_.-]{3,128}$`,
);
const STATE_MACHINE_ARN = new RegExp(
  `^arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:[a-zA-Z0-9_-]{1,80}(?::[a-zA-Z0-9_-]{1,80})?$`,
);
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const FUNCTION_ARN = new RegExp(
  `^arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:[a-zA-Z0-9_-]{1,64}(?::(?:\\$LATEST|[a-zA-Z0-9_-]{1,128}))?$`,
);

/** Any kind the policy's target can name; unset, the first of these the target names is used. */
const targetKind = z.enum(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet']).optional();

/** A runbook parameter value: text with `{{label}}` placeholders, each checked here, at apply time. */
/** arn:<partition>:iam::<account>:role/<path/name>, with nothing rendered from an alert. */
const AUTOMATION_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

const parameterValue = z
  .string()
  .max(512)
  .superRefine((text, ctx) => {
    const found = placeholdersOf(text);
    if (!found.ok) {
      ctx.addIssue({ code: 'custom', message: found.reason });
      return;
    }
    for (const name of found.names) {
      if (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || TEMPLATE_KEYS.includes(name)) continue;
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {{${name}}}: use a label name or one of ${TEMPLATE_KEYS.map((k) => `{{${k}}}`).join(', ')}`,
      });
    }
  });

export const startAutomationAction = z
  .object({
    type: z.literal('startAutomation'),
    documentName: z
      .string()
      .refine(
        (v) => SSM_DOCUMENT_NAME.test(v) || SSM_DOCUMENT_ARN.test(v),
        'must be an SSM document name (3-128 of a-z A-Z 0-9 _ . -) or an SSM document ARN',
      ),
    documentVersion: z
      .string()
      .regex(/^(?:\$LATEST|\$DEFAULT|[1-9][0-9]{0,8})$/, 'must be $LATEST, $DEFAULT or a version number')
      .optional(),
    parameters: z
      .record(z.string().regex(/^[a-zA-Z0-9_]{1,50}$/, 'must be a runbook parameter name'), parameterValue)
      .superRefine((parameters, ctx) => {
        // The role SSM runs the runbook as is the policy's choice, never an alert's: a literal ARN, which is
        // also what the package-time IAM generator can grant iam:PassRole on.
        const role = parameters.AutomationAssumeRole;
        if (role !== undefined && !AUTOMATION_ROLE_ARN.test(role))
          ctx.addIssue({
            code: 'custom',
            path: ['AutomationAssumeRole'],
            message: 'must be a literal IAM role ARN (no placeholders)',
          });
      })
      .optional(),
    kind: targetKind,
  })
  .strict();
export type StartAutomationAction = z.infer<typeof startAutomationAction>;

export const startExecutionAction = z
  .object({
    type: z.literal('startExecution'),
    stateMachineArn: z
      .string()
      .regex(
        STATE_MACHINE_ARN,
        'must be a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)',
      ),
    kind: targetKind,
  })
  .strict();
export type StartExecutionAction = z.infer<typeof startExecutionAction>;

export const invokeFunctionAction = z
  .object({
    type: z.literal('invokeFunction'),
    functionName: z
      .string()
      .refine(
        (v) => FUNCTION_NAME.test(v) || FUNCTION_ARN.test(v),
        'must be a Lambda function name (1-64 of a-z A-Z 0-9 _ -) or a function ARN',
      ),
    qualifier: z
      .string()
      .regex(/^(?:\$LATEST|[a-zA-Z0-9_-]{1,128})$/, 'must be $LATEST, a version or an alias')
      .optional(),
    kind: targetKind,
  })
  .strict()
  .refine((a) => a.qualifier === undefined || !/:function:[^:]+:/.test(a.functionName), {
    message: 'give the qualifier either in the ARN or in qualifier, not both',
    path: ['qualifier'],
  });
export type InvokeFunctionAction = z.infer<typeof invokeFunctionAction>;

/** The kinds a user action accepts, preferred first: `kind` when set, else whatever the target names. */
export const userActionKinds = (kind: ObjectKind | undefined): readonly ObjectKind[] =>
  kind ? [kind] : ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet'];

export const planStartAutomation = (target: Target, a: StartAutomationAction): Plan => ({
  action: 'startAutomation',
  target,
  documentName: a.documentName,
  ...(a.documentVersion === undefined ? {} : { documentVersion: a.documentVersion }),
  parameters: a.parameters ?? {},
});

export const planStartExecution = (target: Target, a: StartExecutionAction): Plan => ({
  action: 'startExecution',
  target,
  stateMachineArn: a.stateMachineArn,
});

export const planInvokeFunction = (target: Target, a: InvokeFunctionAction): Plan => ({
  action: 'invokeFunction',
  target,
  functionName: a.functionName,
  ...(a.qualifier === undefined ? {} : { qualifier: a.qualifier }),
});
