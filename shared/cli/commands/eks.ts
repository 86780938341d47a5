import type { AssumeRole, AwsCredentials, CredentialProvider } from '#adapters/eks/credentials.js';
import { assertTokenTarget, createEksToken } from '#adapters/eks/token.js';
import { ConfigError } from '#domain/errors.js';
import { discoverApiVersion, formatExecCredential } from '../exec-credential.js';
import { type CliCommand, type CliIo, EXIT, envValue, parseCommandArgs, UsageError } from '../io.js';

/** Where the AWS CLI and SDKs land without any region setting; the token then names us-east-1's STS. */
export const DEFAULT_REGION = 'us-east-1';
/** The session name `aws eks get-token --role-arn` uses, so the Kubernetes username of an assumed role matches. */
export const EKS_TOKEN_SESSION_NAME = 'EKSGetTokenAuth';

const EKS_USAGE = `usage: remedy eks <subcommand>

subcommands:
  token   print an ExecCredential with an EKS bearer token (a kubeconfig exec plugin, like aws eks get-token)
`;

const TOKEN_USAGE = `usage: remedy eks token --cluster NAME [--region REGION] [--role-arn ARN]

  --cluster NAME     the EKS cluster name (not its ARN)
  --region REGION    default: AWS_REGION, else AWS_DEFAULT_REGION, else ${DEFAULT_REGION}
  --role-arn ARN     assume this role first and sign with its credentials
`;

/** What `remedy eks` needs from outside; the defaults load the AWS SDK only when a command runs. */
export interface EksDeps {
  readonly credentials?: CredentialProvider;
  readonly assumeRole?: AssumeRole;
}

/** `remedy eks ...`: EKS helpers for operators. */
export function eksCommand(deps: EksDeps = {}): CliCommand {
  return {
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined) throw new UsageError('missing eks subcommand', EKS_USAGE);
      if (sub === '-h' || sub === '--help') {
        io.stdout(EKS_USAGE);
        return EXIT.ok;
      }
      if (sub !== 'token') throw new UsageError(`unknown eks subcommand ${JSON.stringify(sub)}`, EKS_USAGE);
      return token(rest, io, deps);
    },
  };
}

async function token(args: readonly string[], io: CliIo, deps: EksDeps): Promise<number> {
  const { values } = parseCommandArgs(
    {
      args: [...args],
      options: {
        cluster: { type: 'string' },
        region: { type: 'string' },
        'role-arn': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    },
    TOKEN_USAGE,
  );
  if (values.help) {
    io.stdout(TOKEN_USAGE);
    return EXIT.ok;
  }
  const clusterName = values.cluster;
  if (clusterName === undefined || clusterName === '') {
    throw new UsageError('--cluster is required', TOKEN_USAGE);
  }
  const roleArn = values['role-arn'];
  if (roleArn !== undefined && !roleArn.startsWith('arn:')) {
    throw new UsageError(`--role-arn must be an IAM role ARN, got ${JSON.stringify(roleArn)}`, TOKEN_USAGE);
  }
  // The AWS CLI reads AWS_DEFAULT_REGION (v1) or AWS_REGION first (v2); the SDKs read AWS_REGION: prefer it.
  const region =
    values.region ??
    envValue(io.env, 'AWS_REGION') ??
    envValue(io.env, 'AWS_DEFAULT_REGION') ??
    DEFAULT_REGION;

  try {
    // Before any credential lookup or AssumeRole: a typo should not cost a network call.
    assertTokenTarget(clusterName, region);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, TOKEN_USAGE);
    throw error;
  }

  let credentials = await resolveCredentials(deps);
  if (roleArn !== undefined) {
    const assume = deps.assumeRole ?? (await import('#adapters/eks/assume-role.js')).assumeRole;
    credentials = await wrap(`could not assume ${roleArn}`, () =>
      assume(roleArn, credentials, { region, sessionName: EKS_TOKEN_SESSION_NAME }),
    );
  }

  const signed = createEksToken({ clusterName, region, credentials, now: io.now() });
  const { apiVersion, warning } = discoverApiVersion(envValue(io.env, 'KUBERNETES_EXEC_INFO'));
  if (warning !== undefined) io.stderr(`remedy: warning: ${warning}\n`);
  io.stdout(formatExecCredential({ apiVersion, token: signed.token, expiresAt: signed.expiresAt }));
  return EXIT.ok;
}

async function resolveCredentials(deps: EksDeps): Promise<AwsCredentials> {
  // Loaded lazily: kubectl runs this plugin often, and --help or usage errors should not pay for the SDK.
  const provider =
    deps.credentials ?? (await import('#adapters/eks/credentials.js')).defaultCredentialProvider();
  return wrap('could not load AWS credentials', provider);
}

/** Runtime failures keep their cause but get a first line an operator can act on. */
async function wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
