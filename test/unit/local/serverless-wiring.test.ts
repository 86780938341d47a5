import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSnsWiring, snsWiringFromYaml } from '../../../infra/local/serverless-wiring.js';

const SERVERLESS_YML = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));

describe('readSnsWiring', () => {
  it("reads the remediate function's SNS subscription from the real serverless.yml, for stage local", async () => {
    // Act
    const wiring = await readSnsWiring(SERVERLESS_YML);
    // Assess
    expect(wiring).toEqual([
      {
        functionName: 'remediate',
        lambdaName: 'remedy-local-remediate',
        handler: { file: 'functions/remediate', export: 'handler' },
        topicName: 'remedy-alerts-local',
        filterPolicy: { severity: [{ 'anything-but': ['info'] }] },
        filterPolicyScope: 'MessageAttributes',
        maximumRetryAttempts: 2,
        maximumEventAge: 21600,
        timeout: 60,
        memorySize: 256,
      },
    ]);
  });

  it('resolves names for another stage', async () => {
    const [remediate] = await readSnsWiring(SERVERLESS_YML, { stage: 'prod', region: 'eu-west-1' });
    expect(remediate?.topicName).toBe('remedy-alerts-prod');
    expect(remediate?.lambdaName).toBe('remedy-prod-remediate');
  });
});

describe('snsWiringFromYaml', () => {
  const yaml = (functions: string) => `
service: svc
params:
  default: { topic: 'alerts-\${sls:stage}', retries: 1 }
  prod: { topic: prod-alerts }
custom:
  scope: MessageBody
provider:
  name: aws
  region: \${opt:region, 'us-east-1'}
  timeout: 30
  environment:
    TABLE: !Ref Table
    ARN: !GetAtt Table.Arn
    JOINED: !Join ['', [!GetAtt Table.Arn, '/index/*']]
    SUB: !Sub '\${AWS::Region}-x'
functions:
${functions}`;

  it('parses CloudFormation tags and resolves param, self, sls and opt variables with fallbacks', () => {
    // Prepare
    const source = yaml(`  f:
    handler: src/handlers/f.main
    maximumRetryAttempts: \${param:retries}
    events:
      - sns:
          arn: !Sub 'arn:aws:sns:\${AWS::Region}:\${AWS::AccountId}:\${param:topic}'
          filterPolicyScope: \${self:custom.scope}
          filterPolicy: { kind: [a] }`);
    // Act
    const [f] = snsWiringFromYaml(source, { stage: 'dev' });
    const [prod] = snsWiringFromYaml(source, { stage: 'prod' });
    // Assess
    expect(f).toMatchObject({
      handler: { file: 'src/handlers/f', export: 'main' },
      topicName: 'alerts-dev',
      filterPolicyScope: 'MessageBody',
      maximumRetryAttempts: 1,
      timeout: 30,
    });
    expect(prod?.topicName).toBe('prod-alerts');
    expect(f?.topicName).toBe('alerts-dev');
  });

  it('takes the topic name from a literal ARN or the short form, and skips functions without sns events', () => {
    const source = yaml(`  a:
    handler: a.h
    events: [{ sns: 'arn:aws:sns:us-east-1:123456789012:from-arn' }]
  b:
    handler: b.h
    events: [{ sns: short-name }]
  c:
    handler: c.h
    events: [{ http: { path: x, method: get } }]`);
    expect(snsWiringFromYaml(source).map((w) => [w.functionName, w.topicName])).toEqual([
      ['a', 'from-arn'],
      ['b', 'short-name'],
    ]);
  });

  it('fails clearly on a variable it cannot resolve', () => {
    const source = yaml(`  f:
    handler: f.h
    events: [{ sns: '\${ssm:/remedy/topic}' }]`);
    expect(() => snsWiringFromYaml(source)).toThrow(/unsupported variable \$\{ssm:\/remedy\/topic\}/);
  });
});
