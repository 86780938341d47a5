// `npm run package`'s CloudFormation template, built once for this file (osls + serverless-esbuild, offline,
// no AWS credentials) with every param that switches a statement on, and the user-action policies fixture.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../support/zip.js';

const run = promisify(execFile);

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  Condition?: string;
};
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
};

const PARAMS = {
  userActionPolicies: 'test/integration/packaging/fixtures/user-action-policies',
  alertmanagerRoleArns:
    'arn:aws:iam::222233334444:role/alertmanager,arn:aws:iam::222233334444:role/alertmanager-dr',
  organizationId: 'o-a1b2c3d4e5',
  ampWorkspaceArns: 'arn:aws:aps:eu-west-1:111122223333:workspace/ws-0123abcd',
  crossAccountRoleArns: 'arn:aws:iam::210987654321:role/remedy-responder',
  prometheusWorkspaceArns: 'arn:aws:aps:eu-west-1:111122223333:workspace/ws-0123abcd',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:oncall',
  remediateReservedConcurrency: '20',
};

let out: string;
let template: {
  Resources: Record<string, Resource>;
  Conditions: Record<string, unknown>;
  Outputs: Record<string, unknown>;
};
let resources: Record<string, Resource>;

beforeAll(async () => {
  // Prepare: no credentials of any kind, a throwaway output folder.
  out = mkdtempSync(join(tmpdir(), 'remedy-package-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    HOME: out,
  };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[key];
  const params = Object.entries(PARAMS).map(([k, v]) => `--param=${k}=${v}`);
  await run(
    'npx',
    ['osls', 'package', '--stage', 'ci', '--region', 'eu-west-1', '--package', join(out, 'pkg'), ...params],
    { env, timeout: 170_000 },
  );
  template = JSON.parse(readFileSync(join(out, 'pkg', 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Evaluates the template's conditions (all `Fn::Not [Fn::Equals [literal, literal]]` here). */
const condition = (name: string): boolean => {
  const evaluate = (node: unknown): boolean => {
    const n = node as Record<string, unknown[]>;
    if (n['Fn::Not']) return !evaluate(n['Fn::Not'][0]);
    if (n['Fn::Equals']) return n['Fn::Equals'][0] === n['Fn::Equals'][1];
    throw new Error(`condition shape not handled: ${JSON.stringify(node)}`);
  };
  return evaluate(template.Conditions[name]);
};

/** A value with every Fn::If resolved and every AWS::NoValue dropped, as CloudFormation would. */
const effective = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(effective).filter((v) => v !== NO_VALUE);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ((record as { Ref?: string }).Ref === 'AWS::NoValue') return NO_VALUE;
    const fnIf = record['Fn::If'] as [string, unknown, unknown] | undefined;
    if (fnIf) return effective(condition(fnIf[0]) ? fnIf[1] : fnIf[2]);
    return Object.fromEntries(
      Object.entries(record)
        .map(([k, v]) => [k, effective(v)] as const)
        .filter(([, v]) => v !== NO_VALUE),
    );
  }
  return value;
};
const NO_VALUE = Symbol('AWS::NoValue');

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const roleStatements = (roleId: string): Statement[] => {
  const role = effective(resources[roleId]) as Resource;
  const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};
const bySid = (statements: Statement[]) =>
  Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });

/** Every statement anywhere in the template: roles, the generated policy, the key, topic and bucket policies. */
const allStatements = (node: unknown, found: Statement[] = []): Statement[] => {
  if (Array.isArray(node)) for (const item of node) allStatements(item, found);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.Effect === 'string' && ('Action' in record || 'NotAction' in record))
      found.push(record as unknown as Statement);
    for (const value of Object.values(record)) allStatements(value, found);
  }
  return found;
};

describe('npm run package (osls + serverless-esbuild, offline, no AWS credentials)', () => {
  it('runs every function on nodejs22.x, each with its own role', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual([
      'FollowupLambdaFunction',
      'IngestLambdaFunction',
      'RemediateLambdaFunction',
    ]);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(resources.RemediateLambdaFunction?.Properties.Role).toEqual(getAtt('RemediateRole'));
    expect(resources.FollowupLambdaFunction?.Properties.Role).toEqual(getAtt('FollowupRole'));
    expect(resources.IngestLambdaFunction?.Properties.Role).toEqual(getAtt('IngestRole'));
    // No shared default role.
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['FollowupRole', 'IngestRole', 'RemediateRole']);
  });

  it('packages each function as one lean bundle: under 1 MB, no AWS SDK loaded with it, no zod translations', () => {
    for (const fn of ['remediate', 'followup', 'ingest']) {
      const files = readZip(join(out, 'pkg', `${fn}.zip`));
      const bundles = [...files.keys()].filter((name) => name.endsWith('.mjs'));
      expect(bundles, fn).toHaveLength(1);
      const code = files.get(bundles[0] ?? '')?.toString('utf8') ?? '';
      expect(code.length, fn).toBeLessThan(1024 * 1024);
      // Nothing of the AWS SDK loads with the module; what remedy signs itself (DynamoDB, SQS, EKS, and SSM's
      // GetParameters) never loads it at all. Rare paths (user actions, AssumeRole, ingest's Publish) import
      // their client when first used.
      const sdk = [...code.matchAll(/(from|import)\s*\(?"(@aws-sdk\/[\w-]+)"/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
      expect(
        sdk.filter((i) => i.startsWith('from ')),
        fn,
      ).toEqual([]);
      expect(
        sdk.filter((i) => /client-dynamodb|lib-dynamodb|client-sqs|client-eks/.test(i)),
        fn,
      ).toEqual([]);
      // zod's German messages stand for all its locales, which the esbuild plugin leaves out.
      expect(code.includes('Eingabe: erwartet'), fn).toBe(false);
    }
  });

  it('grants no wildcard action anywhere in the template', () => {
    const statements = allStatements(template.Resources);
    const granted = statements.filter((s) => s.Effect === 'Allow');
    expect(granted.length).toBeGreaterThan(25);
    expect(statements.filter((s) => 'NotAction' in s)).toEqual([]);
    expect(granted.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'))).toEqual([]);
    // The one wildcard is osls's own deployment-bucket Deny of s3:* without TLS: it only takes access away.
    const denied = statements.filter((s) => s.Effect === 'Deny');
    expect(denied.filter((s) => [s.Action].flat().some((a) => a.includes('*')))).toEqual([
      expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': false } } }),
    ]);
  });

  it("gives remediate exactly what it uses, scoped to this stack's resources and the params", () => {
    const statements = roleStatements('RemediateRole');
    expect(bySid(statements)).toEqual({
      Logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ReadPolicies: ['dynamodb:GetItem', 'dynamodb:Query'],
      State: [
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      Queues: ['sqs:SendMessage'],
      DescribeClusters: ['eks:DescribeCluster'],
      Secrets: ['ssm:GetParameters'],
      NotTheIngestToken: ['ssm:GetParameter', 'ssm:GetParameters'],
      CrossAccountClusters: ['sts:AssumeRole'],
      QueryPrometheus: ['aps:QueryMetrics'],
    });
    const sid = (s: string) => statements.find((x) => x.Sid === s);
    // The ingest token may sit under the Secrets prefix: remediate can never read it.
    expect(sid('NotTheIngestToken')?.Effect).toBe('Deny');
    expect(JSON.stringify(sid('NotTheIngestToken')?.Resource)).toContain(':parameter/remedy/ci/ingest-token');
    expect(sid('Logs')?.Resource).toEqual([getAtt('RemediateLogGroup')]);
    expect(sid('ReadPolicies')?.Resource).toEqual([getAtt('PoliciesTable')]);
    expect(sid('Queues')?.Resource).toEqual([getAtt('DeadLetterQueue'), getAtt('FollowupQueue')]);
    expect(sid('CrossAccountClusters')?.Resource).toEqual({
      'Fn::Split': [',', PARAMS.crossAccountRoleArns],
    });
    expect(sid('QueryPrometheus')?.Resource).toEqual({ 'Fn::Split': [',', PARAMS.prometheusWorkspaceArns] });
    expect(JSON.stringify(sid('Secrets')?.Resource)).toContain(':parameter/remedy/ci/*');
    // eksClusterArns unset: this account's and region's clusters (the registry is data, not template).
    expect(JSON.stringify(sid('DescribeClusters')?.Resource)).toContain('cluster/*');
  });

  it('gives followup the tables, the follow-up queue as an event source, clusters and Prometheus', () => {
    const statements = roleStatements('FollowupRole');
    expect(bySid(statements)).toMatchObject({
      Logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ReadPolicies: ['dynamodb:GetItem', 'dynamodb:Query'],
      FollowupQueue: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ],
      DescribeClusters: ['eks:DescribeCluster'],
      Secrets: ['ssm:GetParameters'],
      NotTheIngestToken: ['ssm:GetParameter', 'ssm:GetParameters'],
      CrossAccountClusters: ['sts:AssumeRole'],
      QueryPrometheus: ['aps:QueryMetrics'],
    });
    expect(statements.find((s) => s.Sid === 'NotTheIngestToken')?.Effect).toBe('Deny');
    expect(statements.find((s) => s.Sid === 'FollowupQueue')?.Resource).toEqual([getAtt('FollowupQueue')]);
    expect(statements.find((s) => s.Sid === 'Logs')?.Resource).toEqual([getAtt('FollowupLogGroup')]);
  });

  it('lets ingest publish to the topic and read its one token parameter, nothing else', () => {
    const statements = roleStatements('IngestRole');
    expect(bySid(statements)).toEqual({
      Logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Publish: ['sns:Publish'],
      TopicKey: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Token: ['ssm:GetParameter', 'ssm:GetParameters'],
    });
    expect(statements.find((s) => s.Sid === 'Publish')?.Resource).toEqual([{ Ref: 'AlertsTopic' }]);
    expect(JSON.stringify(statements.find((s) => s.Sid === 'Token')?.Resource)).toMatch(
      /:parameter\/remedy\/ci\/ingest-token"\]\]\}\]$/,
    );
    const ingest = resources.IngestLambdaFunction?.Properties;
    expect(ingest?.Environment).toMatchObject({
      Variables: {
        ALERTS_TOPIC_ARN: { Ref: 'AlertsTopic' },
        INGEST_TOKEN_PARAMETER: '/remedy/ci/ingest-token',
      },
    });
    // Its own bearer token check: a Function URL without IAM auth.
    expect(ofType('AWS::Lambda::Url').map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({ AuthType: 'NONE', TargetFunctionArn: getAtt('IngestLambdaFunction') }),
    ]);
  });

  it('generates one statement per user action target named in the policies, never a wildcard target', () => {
    const generated = resources.RemediateUserActionsPolicy;
    if (!generated) throw new Error('no RemediateUserActionsPolicy in the template');
    expect(generated.Type).toBe('AWS::IAM::RolePolicy');
    expect(generated.Properties.RoleName).toEqual({ Ref: 'RemediateRole' });
    expect(resources.RemediateLambdaFunction?.DependsOn).toContain('RemediateUserActionsPolicy');
    const statements = (generated.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const join = (...parts: unknown[]) => ({
      'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, ...parts]],
    });
    const region = { Ref: 'AWS::Region' };
    const account = { Ref: 'AWS::AccountId' };
    expect(statements).toEqual([
      {
        Sid: 'DrainNodeRunbookStartAutomationExecution',
        Effect: 'Allow',
        Action: ['ssm:StartAutomationExecution'],
        Resource: [
          join('ssm', region, account, 'automation-definition/Remedy-DrainNode:3'),
          join('ssm', region, account, 'document/Remedy-DrainNode'),
        ],
      },
      {
        Sid: 'DrainNodeRunbookPassRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: ['arn:aws:iam::111122223333:role/remedy-runbooks'],
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      },
      {
        Sid: 'DatabaseFailoverStartExecution',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: ['arn:aws:states:eu-west-1:111122223333:stateMachine:remedy-db-failover'],
      },
      {
        Sid: 'FlushCacheInvokeFunction',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [join('lambda', region, account, 'function:cache-flusher:live')],
      },
      {
        Sid: 'RestartInstanceStartAutomationExecution',
        Effect: 'Allow',
        Action: ['ssm:StartAutomationExecution'],
        // AWS-owned runbook: no account in the ARN; no documentVersion: the version SSM resolves.
        Resource: [
          join('ssm', region, '', 'automation-definition/AWS-RestartEC2Instance:*'),
          join('ssm', region, '', 'document/AWS-RestartEC2Instance'),
        ],
      },
    ]);
  });

  it('encrypts the topic with its own key and lets exactly the param principals publish', () => {
    expect(resources.AlertsTopic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlertsTopicKey' });
    const policy = effective(resources.AlertsTopicPolicy) as Resource;
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      'DenyInsecureTransport',
      'AlertmanagerRolesPublish',
      'OrganizationPublishes',
      'ManagedPrometheusPublishes',
    ]);
    expect(statements[1]).toMatchObject({
      Principal: { AWS: { 'Fn::Split': [',', PARAMS.alertmanagerRoleArns] } },
      Action: ['sns:Publish'],
    });
    expect(statements[2]).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': PARAMS.organizationId } },
    });
    expect(statements[3]).toMatchObject({
      Principal: { Service: 'aps.amazonaws.com' },
      Action: ['sns:Publish', 'sns:GetTopicAttributes'],
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnEquals: { 'aws:SourceArn': { 'Fn::Split': [',', PARAMS.ampWorkspaceArns] } },
      },
    });
    // The same principals may use the key to publish; rotation on.
    const key = effective(resources.AlertsTopicKey) as Resource;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    expect(keyStatements.map((s) => s.Sid)).toEqual([
      'AccountAdministersAndUsesTheKeyThroughIam',
      'AlertmanagerRolesEncrypt',
      'OrganizationEncrypts',
      'ManagedPrometheusEncrypts',
    ]);
  });

  it('subscribes remediate with a filter policy on message attributes', () => {
    const subs = ofType('AWS::SNS::Subscription');
    expect(subs).toHaveLength(1);
    expect(subs[0]?.[1].Properties).toMatchObject({
      Protocol: 'lambda',
      TopicArn: { Ref: 'AlertsTopic' },
      Endpoint: getAtt('RemediateLambdaFunction'),
      FilterPolicyScope: 'MessageAttributes',
      FilterPolicy: { severity: [{ 'anything-but': ['info'] }] },
    });
  });

  it('sends failed events to an encrypted dead-letter queue, follow-ups too, and alarms on it and on errors', () => {
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({
        FunctionName: { Ref: 'RemediateLambdaFunction' },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: getAtt('DeadLetterQueue') } },
      }),
    ]);
    expect(resources.DeadLetterQueue?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(resources.FollowupQueue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: getAtt('DeadLetterQueue'), maxReceiveCount: 5 },
    });
    const mapping = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mapping).toEqual([
      expect.objectContaining({
        EventSourceArn: getAtt('FollowupQueue'),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
    const alarms = Object.fromEntries(
      ofType('AWS::CloudWatch::Alarm').map(([id, r]) => [
        id,
        effective(r.Properties) as Record<string, unknown>,
      ]),
    );
    expect(alarms.DeadLetterQueueDepthAlarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt('DeadLetterQueue', 'QueueName') }],
      AlarmActions: [PARAMS.alarmTopicArn],
    });
    for (const fn of ['Remediate', 'Followup', 'Ingest']) {
      expect(alarms[`${fn}ErrorsAlarm`]).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${fn}LambdaFunction` } }],
        AlarmActions: [PARAMS.alarmTopicArn],
      });
    }
  });

  it('keeps logs for the retention param and reserves concurrency when asked', () => {
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
    expect(effective(resources.RemediateLambdaFunction?.Properties.ReservedConcurrentExecutions)).toBe('20');
    // Unset for the others: no reservation at all.
    expect(effective({ x: resources.IngestLambdaFunction?.Properties.ReservedConcurrentExecutions })).toEqual(
      {},
    );
  });

  it('makes both tables on-demand, encrypted, point-in-time recoverable and deletion-protected; TTL on state', () => {
    for (const id of ['PoliciesTable', 'StateTable']) {
      expect(resources[id]?.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
    expect(resources.StateTable?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });

  it('hard-codes no account: every 12-digit number in the template came from a param', () => {
    const text = JSON.stringify(template);
    const accounts = new Set(text.match(/\b\d{12}\b/g) ?? []);
    expect([...accounts].sort()).toEqual(['111122223333', '210987654321', '222233334444']);
  });
});
