import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run package (osls + serverless-esbuild, offline, no AWS credentials)', () => {
  it('builds a CloudFormation template wiring remediate to the alerts topic', async () => {
    // Prepare: no credentials of any kind, a throwaway output folder.
    const out = mkdtempSync(join(tmpdir(), 'remedy-package-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      HOME: out,
    };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      delete env[key];
    // Act
    await run('npx', ['osls', 'package', '--stage', 'ci', '--region', 'eu-west-1', '--package', out], {
      env,
      timeout: 120_000,
    });
    // Assess
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn?.Properties.Runtime).toBe('nodejs22.x');
    expect(fn?.Properties.Handler).toBe('functions/remediate.handler');
    expect(fn?.Properties.Environment).toMatchObject({ Variables: { REMEDY_MODE: 'dry-run' } });
    const sub = Object.values(resources).find((r) => r.Type === 'AWS::SNS::Subscription');
    expect(sub?.Properties).toMatchObject({
      Protocol: 'lambda',
      TopicArn: { Ref: 'AlertsTopic' },
      FilterPolicyScope: 'MessageAttributes',
      FilterPolicy: { severity: [{ 'anything-but': ['info'] }] },
    });
    const invokeConfig = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } },
    });
    const types = Object.values(resources).map((r) => r.Type);
    expect(types).toEqual(
      expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::SNS::Topic', 'AWS::SQS::Queue']),
    );
  });
});
