// The STS actions the local endpoint implements, validated like STS: AssumeRole and GetCallerIdentity.
import {
  type AssumableRole,
  type CallerIdentity,
  type CredentialStore,
  DEFAULT_MAX_SESSION_SECONDS,
  type IssuedCredentials,
} from './credential-store.js';
import { STS_API_VERSION, type StsError, type StsFields, stsSenderError } from './sts-protocol.js';

/** AssumeRole's DurationSeconds when the caller gives none. */
export const DEFAULT_ASSUME_ROLE_SECONDS = 3600;
/** STS's lower bound for DurationSeconds (15 minutes). */
export const MIN_DURATION_SECONDS = 900;
/** STS's upper bound for DurationSeconds: IAM's largest MaxSessionDuration, 12 hours. */
export const MAX_DURATION_SECONDS = 43_200;
/** Credentials from an assumed role may assume another role for at most one hour ("role chaining"). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
// RoleSessionName: 2 to 64 characters of [\w+=,.@-] (STS API reference).
const SESSION_NAME_MIN = 2;
const SESSION_NAME_MAX = 64;
const SESSION_NAME_PATTERN = /^[\w+=,.@-]*$/;

/** What an action needs from the endpoint. */
export interface StsActionContext {
  store: CredentialStore;
  roles: ReadonlyMap<string, AssumableRole>;
  caller: CallerIdentity;
  now: Date;
}

/** An action's result fields, plus what the endpoint records about the call. */
export type StsOutcome =
  | { ok: true; action: string; result: StsFields; issued?: IssuedCredentials }
  | { ok: false; action: string | undefined; error: StsError };

/** Runs the action a query-protocol request names. */
export function runStsAction(params: ReadonlyMap<string, string>, context: StsActionContext): StsOutcome {
  const action = params.get('Action');
  const version = params.get('Version');
  if (action === undefined) {
    return { ok: false, action, error: stsSenderError('MissingAction', 'Missing Action') };
  }
  if (version !== STS_API_VERSION || (action !== 'AssumeRole' && action !== 'GetCallerIdentity')) {
    const message = `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`;
    return { ok: false, action, error: stsSenderError('InvalidAction', message) };
  }
  if (action === 'GetCallerIdentity') {
    const { userId, account, arn } = context.caller;
    return { ok: true, action, result: { Arn: arn, UserId: userId, Account: account } };
  }
  return assumeRole(params, context);
}

function assumeRole(params: ReadonlyMap<string, string>, context: StsActionContext): StsOutcome {
  const action = 'AssumeRole';
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const durationText = params.get('DurationSeconds');
  const duration = durationText === undefined ? DEFAULT_ASSUME_ROLE_SECONDS : Number(durationText);

  const problems = [
    ...memberProblems('roleArn', roleArn),
    ...memberProblems('roleSessionName', sessionName, sessionNameProblem(sessionName)),
    ...durationProblems(durationText, duration),
  ];
  if (problems.length > 0) {
    const count = `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: `;
    return { ok: false, action, error: stsSenderError('ValidationError', count + problems.join('; ')) };
  }
  const role = roleArn === undefined ? undefined : context.roles.get(roleArn);
  if (role === undefined || roleArn === undefined || sessionName === undefined) {
    const message = `User: ${context.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
    return { ok: false, action, error: stsSenderError('AccessDenied', message, 403) };
  }
  const chained = context.caller.arn.includes(':assumed-role/');
  if (chained && duration > ROLE_CHAINING_MAX_SECONDS) {
    const message =
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';
    return { ok: false, action, error: stsSenderError('ValidationError', message) };
  }
  if (duration > (role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS)) {
    const message = 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
    return { ok: false, action, error: stsSenderError('ValidationError', message) };
  }
  const issued = context.store.issue(role, sessionName, duration, context.now);
  return {
    ok: true,
    action,
    issued,
    result: {
      AssumedRoleUser: { AssumedRoleId: issued.assumedRoleId, Arn: issued.identity.arn },
      Credentials: {
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    },
  };
}

// STS reports input problems in the AWS validation wording: "Value <v> at '<member>' failed to satisfy…".
function memberProblems(member: string, value: string | undefined, problem?: string): string[] {
  if (value === undefined)
    return [`Value null at '${member}' failed to satisfy constraint: Member must not be null`];
  return problem === undefined
    ? []
    : [`Value '${value}' at '${member}' failed to satisfy constraint: ${problem}`];
}

function sessionNameProblem(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name.length < SESSION_NAME_MIN)
    return `Member must have length greater than or equal to ${SESSION_NAME_MIN}`;
  if (name.length > SESSION_NAME_MAX)
    return `Member must have length less than or equal to ${SESSION_NAME_MAX}`;
  if (!SESSION_NAME_PATTERN.test(name)) return 'Member must satisfy regular expression pattern: [\\w+=,.@-]*';
  return undefined;
}

function durationProblems(text: string | undefined, duration: number): string[] {
  if (text === undefined) return [];
  const at = `Value '${text}' at 'durationSeconds' failed to satisfy constraint:`;
  if (!Number.isInteger(duration)) return [`${at} Member must be an integer`];
  if (duration < MIN_DURATION_SECONDS)
    return [`${at} Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`];
  if (duration > MAX_DURATION_SECONDS)
    return [`${at} Member must have value less than or equal to ${MAX_DURATION_SECONDS}`];
  return [];
}
