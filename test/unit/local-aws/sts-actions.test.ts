import { describe, expect, it } from 'vitest';
import { CredentialStore } from '../../../infra/local/aws/credential-store.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../../../infra/local/aws/local-account.js';
import { runStsAction, type StsActionContext } from '../../../infra/local/aws/sts-actions.js';
import { stsFailure, stsSuccess } from '../../../infra/local/aws/sts-protocol.js';

const NOW = new Date('2026-11-25T10:00:00.250Z');
const ROLE_ARN = 'arn:aws:iam::210987654321:role/ops/remedy';
const USER_ARN = 'arn:aws:iam::123456789012:user/local';

function context(callerArn = USER_ARN): StsActionContext {
  const store = new CredentialStore(LOCAL_CREDENTIALS, LOCAL_ACCOUNT_ID);
  const roles = new Map([[ROLE_ARN, { arn: ROLE_ARN, maxSessionDurationSeconds: 7200 }]]);
  return {
    store,
    roles,
    caller: { userId: 'AIDAEXAMPLE', account: '123456789012', arn: callerArn },
    now: NOW,
  };
}

const params = (entries: Record<string, string>) =>
  new Map(Object.entries({ Version: '2011-06-15', ...entries }));

describe('STS AssumeRole', () => {
  it('issues ASIA credentials that end DurationSeconds later and remembers them', () => {
    // Prepare
    const ctx = context();

    // Act
    const outcome = runStsAction(
      params({
        Action: 'AssumeRole',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'remedy@lambda',
        DurationSeconds: '1800',
      }),
      ctx,
    );

    // Assess
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.result).toEqual({
      AssumedRoleUser: {
        AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:remedy@lambda$/),
        Arn: 'arn:aws:sts::210987654321:assumed-role/remedy/remedy@lambda',
      },
      Credentials: {
        AccessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
        SecretAccessKey: expect.any(String),
        SessionToken: expect.any(String),
        Expiration: '2026-11-25T10:30:00Z',
      },
    });
    const key = outcome.issued?.accessKeyId ?? '';
    expect(ctx.store.lookup(key)).toMatchObject({ sessionToken: outcome.issued?.sessionToken });
    expect(ctx.store.issued.map((c) => c.roleSessionName)).toEqual(['remedy@lambda']);
  });

  it('defaults DurationSeconds to 3600', () => {
    // Act
    const outcome = runStsAction(
      params({ Action: 'AssumeRole', RoleArn: ROLE_ARN, RoleSessionName: 'ss' }),
      context(),
    );

    // Assess
    expect(outcome.ok && outcome.issued?.expiration.toISOString()).toBe('2026-11-25T11:00:00.000Z');
  });

  it('denies a role it does not know with the AccessDenied wording of STS', () => {
    // Act
    const outcome = runStsAction(
      params({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/nope', RoleSessionName: 'ss' }),
      context(),
    );

    // Assess
    expect(outcome.ok || outcome.error).toEqual({
      code: 'AccessDenied',
      message: `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nope`,
      status: 403,
      type: 'Sender',
    });
  });

  it.each([
    [
      { RoleSessionName: 'ss' },
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    ],
    [
      { RoleArn: ROLE_ARN, RoleSessionName: 'bad name' },
      "Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    ],
    [
      { RoleArn: ROLE_ARN, RoleSessionName: 'x'.repeat(65) },
      'Member must have length less than or equal to 64',
    ],
    [
      { RoleArn: ROLE_ARN, RoleSessionName: 'ss', DurationSeconds: '899' },
      'Member must have value greater than or equal to 900',
    ],
    [
      { RoleArn: ROLE_ARN, RoleSessionName: 'ss', DurationSeconds: '43201' },
      'Member must have value less than or equal to 43200',
    ],
    [
      { RoleArn: ROLE_ARN, RoleSessionName: 'ss', DurationSeconds: '7201' },
      'exceeds the MaxSessionDuration set for this role',
    ],
  ])('refuses %j with a ValidationError', (input, message) => {
    // Act
    const outcome = runStsAction(params({ Action: 'AssumeRole', ...input }), context());

    // Assess
    expect(outcome.ok || outcome.error).toMatchObject({ code: 'ValidationError', status: 400 });
    expect(outcome.ok || outcome.error.message).toContain(message);
  });

  it('limits role chaining to one hour', () => {
    // Prepare
    const ctx = context('arn:aws:sts::123456789012:assumed-role/other/s');

    // Act
    const outcome = runStsAction(
      params({ Action: 'AssumeRole', RoleArn: ROLE_ARN, RoleSessionName: 'ss', DurationSeconds: '3601' }),
      ctx,
    );

    // Assess
    expect(outcome.ok || outcome.error.message).toContain(
      '1 hour session limit for roles assumed by role chaining',
    );
  });
});

describe('STS GetCallerIdentity and the wire format', () => {
  it('answers the caller identity as XML, or as JSON when asked', () => {
    // Prepare
    const outcome = runStsAction(params({ Action: 'GetCallerIdentity' }), context());
    if (!outcome.ok) throw new Error(outcome.error.message);

    // Act
    const xml = stsSuccess(outcome.action, outcome.result, false, 'req-1');
    const json = stsSuccess(outcome.action, outcome.result, true, 'req-1');

    // Assess
    expect(xml.body).toContain(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    );
    expect(xml.body).toContain(`<Arn>${USER_ARN}</Arn>`);
    expect(JSON.parse(json.body)).toEqual({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Arn: USER_ARN, UserId: 'AIDAEXAMPLE', Account: '123456789012' },
        ResponseMetadata: { RequestId: 'req-1' },
      },
    });
  });

  it('refuses unknown actions and versions with InvalidAction, escaping the XML error', () => {
    // Act
    const outcome = runStsAction(params({ Action: 'Decode<Me>' }), context());
    const reply = outcome.ok ? undefined : stsFailure(outcome.error, false, 'req-2');

    // Assess
    expect(reply?.status).toBe(400);
    expect(reply?.body).toContain('<Code>InvalidAction</Code>');
    expect(reply?.body).toContain(
      '<Message>Could not find operation Decode&lt;Me&gt; for version 2011-06-15</Message>',
    );
  });
});
